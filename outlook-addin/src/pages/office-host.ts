import type { AppointmentCompose, Callback } from '../meeting/office-item.js';

/**
 * The part of the global `Office` (office.js, loaded from Microsoft's CDN by each page) the pages
 * use. Typed here rather than through @types/office-js so the pages and the test stub share one
 * small contract.
 */
export interface Dialog {
  addEventHandler(
    type: 'dialogMessageReceived' | 'dialogEventReceived',
    handler: (arg: DialogArg) => void,
  ): void;
  close(): void;
}

export type DialogArg = { message: string; origin?: string } | { error: number };

export interface NotificationMessages {
  replaceAsync(
    key: string,
    message: {
      type: 'informationalMessage' | 'errorMessage';
      message: string;
      icon?: string;
      persistent?: boolean;
    },
    callback?: Callback<void>,
  ): void;
}

export interface OfficeGlobal {
  onReady(): Promise<{ host: string | null; platform: string | null }>;
  actions: {
    associate(name: string, handler: (event: { completed(options?: unknown): void }) => void): void;
  };
  context: {
    displayLanguage?: string;
    mailbox: { item: (AppointmentCompose & { notificationMessages?: NotificationMessages }) | null };
    ui: {
      displayDialogAsync(
        url: string,
        options: { height: number; width: number; promptBeforeOpen?: boolean },
        callback: Callback<Dialog>,
      ): void;
      messageParent(message: string): void;
    };
  };
}

export function office(): OfficeGlobal {
  const office = (globalThis as { Office?: OfficeGlobal }).Office;
  if (office === undefined) throw new Error('office.js did not load: open this page from Outlook');
  return office;
}

/** The hub's public URL: the pages live at `<public URL>/outlook/<page>.html`. */
export function publicUrlOfPage(href: string = location.href): string {
  return new URL('..', href).href.replace(/\/+$/, '');
}
