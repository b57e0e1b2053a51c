import type {
  ICalTemporalInstantStub,
  ICalTemporalPlainDateStub,
  ICalTemporalPlainDateTimeStub,
  ICalTemporalZonedDateTimeStub,
} from 'ical-generator';

/** Wall-clock fields of an instant in a zone. */
export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `at` in `timeZone`, through one cached Intl formatter per zone. */
export function localFields(at: Date, timeZone: string): LocalFields {
  let format = partFormatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormatters.set(timeZone, format);
  }
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of format.formatToParts(at)) {
    if (part.type in fields) fields[part.type as keyof LocalFields] = Number(part.value);
  }
  return fields;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20260706T090000` */
export function localDateTimeText(fields: LocalFields): string {
  return `${pad(fields.year, 4)}${pad(fields.month)}${pad(fields.day)}T${pad(fields.hour)}${pad(fields.minute)}${pad(fields.second)}`;
}

/** `20260706` */
export function localDateText(fields: LocalFields): string {
  return `${pad(fields.year, 4)}${pad(fields.month)}${pad(fields.day)}`;
}

/**
 * An instant in the shape of a Temporal.Instant as ical-generator reads one (its documented
 * Temporal stubs), with zone conversion through Intl: the Temporal polyfill spends about a
 * millisecond per conversion, which dominated rendering a mail.
 */
export function icalInstant(at: Date): ICalTemporalInstantStub {
  const iso = at.toISOString();
  return {
    epochMilliseconds: at.getTime(),
    toJSON: () => iso,
    toString: () => iso,
    toZonedDateTimeISO: (timeZone: string) => zoned(at, timeZone),
  };
}

function zoned(at: Date, timeZone: string): ICalTemporalZonedDateTimeStub {
  const fields = localFields(at, timeZone);
  const text = `${localDateTimeText(fields)}[${timeZone}]`;
  const plainDate: ICalTemporalPlainDateStub = {
    year: fields.year,
    month: fields.month,
    day: fields.day,
    toJSON: () => localDateText(fields),
    toString: () => localDateText(fields),
  };
  const self: ICalTemporalZonedDateTimeStub = {
    ...fields,
    timeZoneId: timeZone,
    toInstant: () => icalInstant(at),
    toJSON: () => text,
    toString: () => text,
    toPlainDateTime: (): ICalTemporalPlainDateTimeStub => ({
      ...fields,
      toJSON: () => localDateTimeText(fields),
      toString: () => localDateTimeText(fields),
      toPlainDate: () => plainDate,
      toZonedDateTime: (zone: string) => zoned(at, zone),
    }),
    withTimeZone: (zone: string) => (zone === timeZone ? self : zoned(at, zone)),
  };
  return self;
}
