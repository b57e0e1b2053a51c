import { describe, expect, it } from 'vitest';

import { ChallengeBook } from './challenges.js';

describe('the challenge book', () => {
  it('issues 16-digit challenges that are accepted once', () => {
    const book = new ChallengeBook();
    const challenge = book.issue();
    expect(challenge).toMatch(/^\d{16}$/);
    expect(book.consume(challenge)).toBe('ok');
    expect(book.consume(challenge)).toBe('used');
  });

  it('refuses a challenge it never issued', () => {
    expect(new ChallengeBook().consume('0123456789abcdef')).toBe('unknown');
  });

  it('refuses a challenge answered after its lifetime, and does not take it twice', () => {
    let now = 1_000;
    const book = new ChallengeBook({ ttlMs: 500, now: () => now });
    const challenge = book.issue();
    now += 501;
    expect(book.consume(challenge)).toBe('stale');
    expect(book.consume(challenge)).toBe('used');
  });

  it('keeps at most maxOpen challenges waiting, dropping the oldest', () => {
    const book = new ChallengeBook({ maxOpen: 2 });
    const first = book.issue();
    const second = book.issue();
    const third = book.issue();
    expect(book.consume(first)).toBe('unknown');
    expect(book.consume(second)).toBe('ok');
    expect(book.consume(third)).toBe('ok');
  });
});
