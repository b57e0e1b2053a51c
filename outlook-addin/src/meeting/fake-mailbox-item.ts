import type {
  AsyncError,
  Callback,
  CoercionType,
  CustomProperties,
  EmailAddressDetails,
  OfficeRecurrence,
  AppointmentCompose,
} from './office-item.js';

/**
 * A fake appointment-compose item for tests (Node and the browser's Office.js stub), built from
 * Outlook's documented limits, not from Outlook: the location holds at most 255 characters, custom
 * properties at most 2,500 characters of JSON, at most 3 asynchronous calls run at once (Outlook on
 * the web), callbacks come later (never synchronously), and an HTML body comes back rewritten the
 * way Outlook does it: ids prefixed with `x_`, elements given classes, the whole wrapped in a
 * document (office-js #5482, #817).
 */
export interface FakeAppointmentState {
  subject: string;
  start: Date;
  end: Date;
  location: string;
  bodyType: CoercionType;
  body: string;
  requiredAttendees: EmailAddressDetails[];
  optionalAttendees: EmailAddressDetails[];
  recurrence: OfficeRecurrence | null;
  /** As Exchange stores them: one JSON object per add-in. */
  customProperties: Record<string, unknown>;
}

export const FAKE_LIMITS = {
  location: 255,
  subject: 255,
  customProperties: 2500,
  concurrentCalls: 3,
} as const;

export interface FakeMailboxItem extends AppointmentCompose {
  readonly state: FakeAppointmentState;
  /** How many Office calls were made, by name (for tests that count writes). */
  readonly calls: Record<string, number>;
  /** Makes the next call of that name fail as Outlook would (e.g. the mailbox went offline). */
  failNext(name: string, error: AsyncError): void;
}

export function createFakeMailboxItem(initial: Partial<FakeAppointmentState> = {}): FakeMailboxItem {
  const start = initial.start ?? new Date('2027-03-01T09:00:00Z');
  const state: FakeAppointmentState = {
    subject: '',
    start,
    end: new Date(start.getTime() + 3_600_000),
    location: '',
    bodyType: 'html',
    body: '<html><body><div>Agenda</div></body></html>',
    requiredAttendees: [],
    optionalAttendees: [],
    recurrence: null,
    customProperties: {},
    ...initial,
  };
  const calls: Record<string, number> = {};
  const failures = new Map<string, AsyncError>();
  let running = 0;

  function run<T>(name: string, callback: Callback<T>, work: () => T | AsyncError): void {
    calls[name] = (calls[name] ?? 0) + 1;
    running += 1;
    const tooMany = running > FAKE_LIMITS.concurrentCalls;
    setTimeout(() => {
      running -= 1;
      const injected = failures.get(name);
      failures.delete(name);
      const outcome = tooMany
        ? { code: 9999, name: 'TooManyAsyncCalls', message: 'Too many asynchronous calls are in progress.' }
        : (injected ?? work());
      if (isError(outcome)) callback({ status: 'failed', error: outcome });
      else callback({ status: 'succeeded', value: outcome });
    }, 0);
  }

  function tooLong(what: string, max: number): AsyncError {
    return { code: 9041, name: 'DataExceedsMaximumSize', message: `The ${what} exceeds ${max} characters.` };
  }

  function loadCustomProperties(): CustomProperties {
    // A working copy: nothing reaches the item until saveAsync succeeds.
    const copy: Record<string, unknown> = structuredClone(state.customProperties);
    return {
      get: (name) => copy[name],
      set: (name, value) => {
        copy[name] = value;
      },
      remove: (name) => {
        delete copy[name];
      },
      saveAsync: (callback) =>
        run('customProperties.saveAsync', callback, () => {
          if (JSON.stringify(copy).length > FAKE_LIMITS.customProperties) {
            return tooLong('custom properties', FAKE_LIMITS.customProperties);
          }
          state.customProperties = structuredClone(copy);
          return undefined;
        }),
    };
  }

  return {
    state,
    calls,
    failNext: (name, error) => failures.set(name, error),
    subject: {
      getAsync: (cb) => run('subject.getAsync', cb, () => state.subject),
      setAsync: (value, cb) =>
        run('subject.setAsync', cb, () => {
          if (value.length > FAKE_LIMITS.subject) return tooLong('subject', FAKE_LIMITS.subject);
          state.subject = value;
          return undefined;
        }),
    },
    start: { getAsync: (cb) => run('start.getAsync', cb, () => new Date(state.start)) },
    end: { getAsync: (cb) => run('end.getAsync', cb, () => new Date(state.end)) },
    location: {
      getAsync: (cb) => run('location.getAsync', cb, () => state.location),
      setAsync: (value, cb) =>
        run('location.setAsync', cb, () => {
          if (value.length > FAKE_LIMITS.location) return tooLong('location', FAKE_LIMITS.location);
          state.location = value;
          return undefined;
        }),
    },
    body: {
      getTypeAsync: (cb) => run('body.getTypeAsync', cb, () => state.bodyType),
      getAsync: (type, cb) =>
        run('body.getAsync', cb, () => (type === state.bodyType ? state.body : convert(state.body, type))),
      setAsync: (data, options, cb) =>
        run('body.setAsync', cb, () => {
          if (options.coercionType !== state.bodyType) {
            return {
              code: 9000,
              name: 'InvalidFormatError',
              message: 'The format of the body is not supported.',
            };
          }
          state.body = state.bodyType === 'html' ? outlookRewrite(data) : data;
          return undefined;
        }),
    },
    requiredAttendees: {
      getAsync: (cb) => run('requiredAttendees.getAsync', cb, () => [...state.requiredAttendees]),
    },
    optionalAttendees: {
      getAsync: (cb) => run('optionalAttendees.getAsync', cb, () => [...state.optionalAttendees]),
    },
    recurrence: { getAsync: (cb) => run('recurrence.getAsync', cb, () => state.recurrence) },
    loadCustomPropertiesAsync: (cb) => run('loadCustomPropertiesAsync', cb, loadCustomProperties),
  };
}

function isError(value: unknown): value is AsyncError {
  return (
    typeof value === 'object' && value !== null && 'code' in value && 'message' in value && 'name' in value
  );
}

/**
 * What Outlook does to HTML it is given: ids get `x_`, elements a class, and a bare fragment
 * becomes a document. Ids already prefixed stay as they are.
 */
export function outlookRewrite(html: string): string {
  const rewritten = html
    .replace(/\bid\s*=\s*"(?!x_)([^"]*)"/gi, 'id="x_$1"')
    .replace(/<(div|p)(\s|>)/gi, '<$1 class="x_elementToProof"$2');
  return /<html[\s>]/i.test(rewritten) ? rewritten : `<html><head></head><body>${rewritten}</body></html>`;
}

function convert(body: string, to: CoercionType): string {
  if (to === 'html') return `<html><body>${body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</body></html>`;
  return body.replace(/<[^>]*>/g, '');
}
