/**
 * The part of Office.js's appointment-compose item the add-in uses, typed here so that the logic
 * runs against Outlook, the fake mailbox item of the tests and the browser stub alike. Shapes and
 * names follow Office.js (Mailbox requirement set 1.8); nothing here imports it.
 */

export interface AsyncError {
  readonly code: number | string;
  readonly name: string;
  readonly message: string;
}

export type AsyncResult<T> =
  | { readonly status: 'succeeded'; readonly value: T }
  | { readonly status: 'failed'; readonly value?: undefined; readonly error: AsyncError };

export type Callback<T> = (result: AsyncResult<T>) => void;

export interface Readable<T> {
  getAsync(callback: Callback<T>): void;
}

export interface Writable<T> extends Readable<T> {
  setAsync(value: T, callback: Callback<void>): void;
}

export interface EmailAddressDetails {
  readonly emailAddress: string;
  readonly displayName: string;
}

export type CoercionType = 'html' | 'text';

export interface Body {
  getTypeAsync(callback: Callback<CoercionType>): void;
  getAsync(coercionType: CoercionType, callback: Callback<string>): void;
  setAsync(data: string, options: { coercionType: CoercionType }, callback: Callback<void>): void;
}

export type DayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Office.js `Recurrence` as `recurrence.getAsync` gives it (the series' pattern and range). */
export interface OfficeRecurrence {
  readonly recurrenceType: 'daily' | 'weekday' | 'weekly' | 'monthly' | 'yearly';
  readonly recurrenceProperties?: {
    readonly interval?: number;
    readonly days?: readonly DayOfWeek[];
    readonly dayOfMonth?: number;
    readonly dayOfWeek?: DayOfWeek;
    readonly weekNumber?: 'first' | 'second' | 'third' | 'fourth' | 'last';
    readonly month?: string;
    readonly firstDayOfWeek?: DayOfWeek;
  };
  readonly recurrenceTimeZone?: { readonly name: string };
  readonly seriesTime: {
    getStartDate(): string;
    getEndDate(): string | null;
  };
  /** Not in Office.js: the number of occurrences when the series ends after N (our stub and tests). */
  readonly numberOfOccurrences?: number;
}

export interface CustomProperties {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  remove(name: string): void;
  saveAsync(callback: Callback<void>): void;
}

/** An appointment the organizer is composing. */
export interface AppointmentCompose {
  readonly subject: Writable<string>;
  readonly start: Readable<Date>;
  readonly end: Readable<Date>;
  readonly location: Writable<string>;
  readonly body: Body;
  readonly requiredAttendees: Readable<readonly EmailAddressDetails[]>;
  readonly optionalAttendees: Readable<readonly EmailAddressDetails[]>;
  readonly recurrence: Readable<OfficeRecurrence | null>;
  loadCustomPropertiesAsync(callback: Callback<CustomProperties>): void;
}

/** Office's error, carried with its code so a message can name it. */
export class OfficeCallError extends Error {
  readonly code: number | string;
  constructor(what: string, error: AsyncError) {
    super(`Outlook refused to ${what}: ${error.message} (${String(error.code)})`);
    this.name = 'OfficeCallError';
    this.code = error.code;
  }
}

/** Turns one callback-style Office call into a promise. */
export function officeCall<T>(what: string, start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((result) => {
      if (result.status === 'succeeded') resolve(result.value);
      else reject(new OfficeCallError(what, result.error));
    });
  });
}
