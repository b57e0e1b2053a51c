import { describe, expect, it } from 'vitest';

import { timeOrderedId } from './time-ordered-id.js';

describe('time-ordered ids', () => {
  it('are version 7 UUIDs with the time first, so later ids sort after earlier ones', () => {
    const id = timeOrderedId(Date.UTC(2026, 11, 3));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.replace(/-/g, '').slice(0, 12)).toBe(Date.UTC(2026, 11, 3).toString(16).padStart(12, '0'));
    const earlier = timeOrderedId(1_700_000_000_000);
    const later = timeOrderedId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(5))).size).toBe(1000);
  });
});
