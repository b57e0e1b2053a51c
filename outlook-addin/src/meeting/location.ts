/** Outlook refuses a location longer than this (`location.setAsync`, Outlook add-in limits). */
export const LOCATION_MAX_LENGTH = 255;

const separator = '; ';

/**
 * The location with our join link in it exactly once: other parts the organizer typed (a room
 * name) stay, an older link of ours (another meeting, or this one before a change) goes. When both
 * do not fit in 255 characters the link wins, since the location is where clients look for it.
 */
export function withJoinLink(
  location: string,
  joinUrl: string,
  isOurLink: (part: string) => boolean,
): string {
  if (joinUrl.length > LOCATION_MAX_LENGTH) {
    throw new RangeError(`the join link is longer than the ${LOCATION_MAX_LENGTH} characters Outlook allows`);
  }
  const others = location
    .split(/\s*;\s*/)
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== joinUrl && !isOurLink(part));
  const merged = [...others, joinUrl].join(separator);
  if (merged.length <= LOCATION_MAX_LENGTH) return merged;
  const room = LOCATION_MAX_LENGTH - joinUrl.length - separator.length;
  const kept = others.join(separator);
  return room > 1 ? `${kept.slice(0, room - 1)}…${separator}${joinUrl}` : joinUrl;
}

/** Removes our join links from a location (when the meeting is removed from the appointment). */
export function withoutJoinLinks(location: string, isOurLink: (part: string) => boolean): string {
  return location
    .split(/\s*;\s*/)
    .map((part) => part.trim())
    .filter((part) => part !== '' && !isOurLink(part))
    .join(separator);
}

/** Recognises a join link of this deployment: `<public URL>/rooms/<uuid>`. */
export function ourJoinLinkMatcher(publicUrl: string): (part: string) => boolean {
  const base = publicUrl.replace(/\/+$/, '');
  return (part) =>
    part.startsWith(`${base}/rooms/`) &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part.slice(base.length + 7));
}
