import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { renderAppManifest, validateAppManifest } from './app-manifest.js';
import { pngSize } from './icon-sizes.js';

const iconSize = (file: string) => {
  try {
    return pngSize(readFileSync(new URL(`../../public/icons/${file}`, import.meta.url)));
  } catch {
    return undefined;
  }
};
const good = renderAppManifest({ publicUrl: 'https://meet.example.org' });

describe('the unified app manifest of the personal tab', () => {
  it('passes the offline checks with the icons of the package', () => {
    expect(good.manifestVersion).toBe('1.17');
    expect(good.staticTabs[0]?.contentUrl).toBe('https://meet.example.org/outlook/tab.html');
    expect(validateAppManifest(good, { iconSize })).toEqual([]);
  });

  it('refuses what breaks it, naming the field', () => {
    const broken = (change: (m: Record<string, unknown>) => void) => {
      const copy = structuredClone(good) as unknown as Record<string, unknown>;
      change(copy);
      return validateAppManifest(copy, { iconSize });
    };
    expect(broken((m) => (m['manifestVersion'] = '1.16'))).toEqual([
      expect.stringMatching(/^manifestVersion: .*1\.17/),
    ]);
    expect(broken((m) => (m['id'] = 'not-a-guid'))).toEqual([expect.stringMatching(/^id:/)]);
    expect(broken((m) => ((m['name'] as { short: string }).short = 'x'.repeat(31)))).toEqual([
      expect.stringMatching(/^name\.short:/),
    ]);
    expect(broken((m) => (m['validDomains'] = ['other.example.org']))).toEqual([
      expect.stringMatching(/not on a valid domain/),
      expect.stringMatching(/not on a valid domain/),
    ]);
    expect(broken((m) => ((m['icons'] as { color: string }).color = 'icon-80.png'))).toEqual([
      'icons.color: icon-80.png is 80×80, expected 192×192',
    ]);
    expect(broken((m) => ((m['icons'] as { outline: string }).outline = 'missing.png'))).toEqual([
      'icons.outline: missing.png is not in the package',
    ]);
    expect(broken((m) => (m['unknownField'] = true))).toHaveLength(1);
    expect(validateAppManifest('not json at all')).toHaveLength(1);
  });

  it('wants https, except on loopback when asked (tests)', () => {
    const local = renderAppManifest({ publicUrl: 'http://127.0.0.1:8080' });
    expect(validateAppManifest(local).some((p) => p.includes('https'))).toBe(true);
    expect(validateAppManifest(local, { allowLoopbackHttp: true })).toEqual([]);
  });
});
