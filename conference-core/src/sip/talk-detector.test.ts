import { describe, expect, it } from 'vitest';

import { audioLevelOf, silenceByte } from './g711.js';
import { TalkDetector } from './talk-detector.js';

const feedMany = (detector: TalkDetector, level: number, frames: number) =>
  Array.from({ length: frames }, () => detector.feed(level)).filter((c) => c !== undefined);

describe('TalkDetector', () => {
  it('reports talking after a loud window and silence after a quiet one, once per change', () => {
    const detector = new TalkDetector(50, 40);
    expect(feedMany(detector, 20, 49)).toEqual([]);
    expect(detector.feed(20)).toBe(true);
    expect(feedMany(detector, 25, 100)).toEqual([]);
    expect(feedMany(detector, 90, 50)).toEqual([false]);
    expect(feedMany(detector, 127, 100)).toEqual([]);
  });

  it('decides on the window average, so a short burst in silence does not count', () => {
    const detector = new TalkDetector(50, 40);
    expect([...feedMany(detector, 10, 5), ...feedMany(detector, 127, 45)]).toEqual([]);
  });

  it('resets to silent and says whether the caller was talking', () => {
    const detector = new TalkDetector(2, 40);
    expect(detector.reset()).toBe(false);
    feedMany(detector, 0, 2);
    expect(detector.reset()).toBe(true);
    expect(feedMany(detector, 0, 2)).toEqual([true]);
  });

  it('measures G.711 levels: silence is quiet, a full-scale square wave is loud', () => {
    expect(audioLevelOf('PCMA', Buffer.alloc(160, silenceByte.PCMA))).toBeGreaterThan(60);
    expect(audioLevelOf('PCMU', Buffer.alloc(160, silenceByte.PCMU))).toBe(127);
    const loud = Buffer.from(Array.from({ length: 160 }, (_, i) => (i % 2 === 0 ? 0xaa : 0x2a)));
    expect(audioLevelOf('PCMA', loud)).toBeLessThan(2);
    expect(audioLevelOf('PCMA', Buffer.alloc(0))).toBe(127);
  });
});
