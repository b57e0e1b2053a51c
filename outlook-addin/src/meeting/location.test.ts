import { describe, expect, it } from 'vitest';

import { LOCATION_MAX_LENGTH, ourJoinLinkMatcher, withJoinLink, withoutJoinLinks } from './location.js';

const ours = ourJoinLinkMatcher('https://vc.example.org/');
const join = 'https://vc.example.org/rooms/0b6c3f0e-2f7e-4d55-9d3a-8a6a3b1c2d4e';
const older = 'https://vc.example.org/rooms/11111111-2222-4333-8444-555555555555';

describe('the join link in the location', () => {
  it('is added after what the organizer typed', () => {
    expect(withJoinLink('Room 4.12', join, ours)).toBe(`Room 4.12; ${join}`);
    expect(withJoinLink('', join, ours)).toBe(join);
  });

  it('is there once after a second run, and replaces an older link of ours', () => {
    expect(withJoinLink(`Room 4.12; ${join}`, join, ours)).toBe(`Room 4.12; ${join}`);
    expect(withJoinLink(`${older}; Room 4.12`, join, ours)).toBe(`Room 4.12; ${join}`);
  });

  it('keeps links that are not ours', () => {
    expect(withJoinLink('https://other.example/rooms/x', join, ours)).toBe(
      `https://other.example/rooms/x; ${join}`,
    );
  });

  it('shortens the rest, never the link, to stay within 255 characters', () => {
    const merged = withJoinLink('R'.repeat(300), join, ours);
    expect(merged.length).toBe(LOCATION_MAX_LENGTH);
    expect(merged.endsWith(`…; ${join}`)).toBe(true);
  });

  it('refuses a join link that alone is too long for Outlook', () => {
    expect(() => withJoinLink('', `https://vc.example.org/rooms/${'a'.repeat(260)}`, ours)).toThrow(/255/);
  });

  it('can be removed again, leaving the rest', () => {
    expect(withoutJoinLinks(`Room 4.12; ${join}`, ours)).toBe('Room 4.12');
  });
});
