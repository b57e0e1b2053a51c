/**
 * A local stand-in for office.js (never loaded from Microsoft in tests), bundled by
 * `office-stub-bundle.ts` and served in place of the CDN URL. It is a stub of the host, not of our
 * code: the appointment is the fake mailbox item (Outlook's documented limits), dialogs are real
 * browser windows on loopback whose `messageParent` reaches the opener, and function commands run
 * when the test invokes them. The test seeds the appointment through `window.__officeSeed`.
 */
import { createFakeMailboxItem, type FakeMailboxItem } from '@vc/outlook-addin';

type Handler = (arg: unknown) => void;
interface Seed {
  subject?: string;
  start?: string;
  end?: string;
  location?: string;
  body?: string;
  requiredAttendees?: { emailAddress: string; displayName: string }[];
  customProperties?: Record<string, unknown>;
}
interface StubWindow {
  __officeSeed?: Seed;
  __officeStub?: unknown;
  opener: (Window & StubWindow) | null;
}

const w = window as unknown as Window & StubWindow;
const seed = w.__officeSeed ?? {};
const item: FakeMailboxItem & { notificationMessages?: unknown } = createFakeMailboxItem({
  ...(seed.subject === undefined ? {} : { subject: seed.subject }),
  ...(seed.start === undefined ? {} : { start: new Date(seed.start) }),
  ...(seed.end === undefined ? {} : { end: new Date(seed.end) }),
  ...(seed.location === undefined ? {} : { location: seed.location }),
  ...(seed.body === undefined ? {} : { body: seed.body }),
  ...(seed.requiredAttendees === undefined ? {} : { requiredAttendees: seed.requiredAttendees }),
  ...(seed.customProperties === undefined ? {} : { customProperties: seed.customProperties }),
});
const notifications: { key: string; type: string; message: string }[] = [];
item.notificationMessages = {
  replaceAsync(key: string, message: { type: string; message: string }, callback?: (r: unknown) => void) {
    notifications.push({ key, type: message.type, message: message.message });
    setTimeout(() => callback?.({ status: 'succeeded' }), 0);
  },
};
const actions = new Map<string, (event: { completed(): void }) => void>();
let dialogHandlers: Map<string, Handler> | undefined;

const stub = {
  item,
  notifications,
  /** Runs a function command as Outlook would; resolves when it calls `event.completed()`. */
  invoke(name: string): Promise<void> {
    const action = actions.get(name);
    if (action === undefined) return Promise.reject(new Error(`no function command ${name} was associated`));
    return new Promise<void>((resolve) => action({ completed: () => resolve() }));
  },
  /** What the dialog's `messageParent` calls in its opener. */
  deliverDialogMessage(message: string, origin: string) {
    dialogHandlers?.get('dialogMessageReceived')?.({ message, origin });
  },
};
w.__officeStub = stub;

(window as unknown as { Office: unknown }).Office = {
  onReady: () => Promise.resolve({ host: 'Outlook', platform: 'OfficeOnline' }),
  actions: {
    associate: (name: string, handler: (event: { completed(): void }) => void) => actions.set(name, handler),
  },
  context: {
    displayLanguage: navigator.language,
    mailbox: { item },
    ui: {
      displayDialogAsync(url: string, _options: unknown, callback: (result: unknown) => void) {
        // Office refuses a dialog that does not start on the add-in's origin (12004).
        if (new URL(url, location.href).origin !== location.origin) {
          callback({ status: 'failed', error: { code: 12004, name: 'Error', message: 'untrusted domain' } });
          return;
        }
        if (dialogHandlers !== undefined) {
          callback({
            status: 'failed',
            error: { code: 12007, name: 'Error', message: 'a dialog is already open' },
          });
          return;
        }
        const win = window.open(url, 'officeDialog', 'width=500,height=600');
        if (win === null) {
          callback({
            status: 'failed',
            error: { code: 12009, name: 'Error', message: 'the dialog was blocked' },
          });
          return;
        }
        const handlers = new Map<string, Handler>();
        dialogHandlers = handlers;
        const closedWatch = setInterval(() => {
          if (!win.closed) return;
          clearInterval(closedWatch);
          if (dialogHandlers === handlers) {
            dialogHandlers = undefined;
            handlers.get('dialogEventReceived')?.({ error: 12006 });
          }
        }, 100);
        callback({
          status: 'succeeded',
          value: {
            addEventHandler: (type: string, handler: Handler) => handlers.set(type, handler),
            close: () => {
              clearInterval(closedWatch);
              dialogHandlers = undefined;
              win.close();
            },
          },
        });
      },
      messageParent(message: string) {
        const opener = window.opener as StubWindow | null;
        if (opener === null) throw new Error('messageParent outside a dialog');
        (opener.__officeStub as typeof stub).deliverDialogMessage(message, location.origin);
      },
    },
  },
};
