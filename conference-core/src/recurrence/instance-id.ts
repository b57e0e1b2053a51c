// An occurrence is addressed by its original start in UTC basic format (`20240705T170242Z`), the
// same id OpenTalk's API uses and the same text an iCalendar RECURRENCE-ID in UTC carries.

const INSTANCE_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The id of the occurrence that originally starts at `date`; milliseconds are dropped. */
export function instanceIdOf(date: Date): string {
  const iso = date.toISOString();
  // toISOString writes years outside 0000-9999 with a sign and six digits; no id can say that.
  if (iso.length !== 24) throw new RangeError(`An instance id needs a year from 0001 to 9999.`);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The original start an id names, or undefined unless it is exactly that format and a real instant. */
export function parseInstanceId(id: string): Date | undefined {
  const match = INSTANCE_ID.exec(id);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not move years 0-99 into the 1900s.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date rolls 31 February over into March; the round trip refuses such ids instead.
  return instanceIdOf(date) === id ? date : undefined;
}
