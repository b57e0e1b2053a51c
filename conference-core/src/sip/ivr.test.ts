import { describe, expect, it } from 'vitest';

import { DialInMenu, directDial } from './ivr.js';

const type = (menu: DialInMenu, keys: string) =>
  [...keys].map((k) => menu.digit(k)).filter((a) => a !== undefined);

describe('dial-in menu', () => {
  it('collects the conference id, then the PIN, each ended by #', () => {
    const menu = new DialInMenu(3);
    expect(menu.start()).toEqual({ kind: 'prompt', prompt: 'welcome' });
    expect(type(menu, '1234567890#')).toEqual([{ kind: 'prompt', prompt: 'pin' }]);
    expect(type(menu, '4711#')).toEqual([{ kind: 'check', id: '1234567890', pin: '4711' }]);
    expect(menu.state).toBe('checking');
    expect(type(menu, '9#')).toEqual([]);
  });

  it('clears the entry on * and ignores an empty #', () => {
    const menu = new DialInMenu(3);
    menu.start();
    expect(type(menu, '99*#1234567890#')).toEqual([{ kind: 'prompt', prompt: 'pin' }]);
  });

  it('starts over after a refusal and says goodbye after the last attempt', () => {
    const menu = new DialInMenu(2);
    menu.start();
    type(menu, '1234567890#1#');
    expect(menu.refused()).toEqual({ kind: 'prompt', prompt: 'wrong' });
    expect(menu.state).toBe('id');
    type(menu, '1234567890#2#');
    expect(menu.refused()).toEqual({ kind: 'goodbye' });
    expect(menu.state).toBe('done');
  });

  it('counts a flood of digits without # as a failed attempt', () => {
    const menu = new DialInMenu(3);
    menu.start();
    expect(type(menu, '1'.repeat(17))).toEqual([{ kind: 'prompt', prompt: 'wrong' }]);
    expect(menu.attemptsUsed).toBe(1);
  });

  it('skips the menu for a direct dial with id and PIN, and asks only the PIN with the id alone', () => {
    expect(directDial('1234567890*4711')).toEqual({ id: '1234567890', pin: '4711' });
    expect(directDial('1234567890%234711')).toEqual({ id: '1234567890', pin: '4711' });
    expect(directDial('1234567890')).toEqual({ id: '1234567890' });
    expect(directDial('callin')).toBeUndefined();
    const menu = new DialInMenu(3);
    expect(menu.start({ id: '1234567890' })).toEqual({ kind: 'prompt', prompt: 'pin' });
    expect(type(menu, '4711#')).toEqual([{ kind: 'check', id: '1234567890', pin: '4711' }]);
  });
});
