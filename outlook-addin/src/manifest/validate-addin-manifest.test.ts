import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OfficeAddinManifest } from 'office-addin-manifest';
import { afterAll, describe, expect, it } from 'vitest';

import { ADDIN_ID, renderAddinManifest } from './addin-manifest.js';
import { validateAddinManifest, type ManifestProblem } from './validate-addin-manifest.js';

const good = renderAddinManifest({ publicUrl: 'https://meet.example.org' });
const rules = (problems: ManifestProblem[]) => problems.map((p) => p.rule);
const dir = mkdtempSync(join(tmpdir(), 'vc-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the add-in manifest', () => {
  it('passes every offline check as rendered for a deployment', async () => {
    expect(await validateAddinManifest(good)).toEqual([]);
  });

  it('takes every URL from the public URL, also one with a path, and escapes it', async () => {
    const xml = renderAddinManifest({ publicUrl: 'https://example.org/meet/', providerName: 'A & B <Co>' });
    expect(xml).toContain('https://example.org/meet/outlook/commands.html');
    expect(xml).toContain('A &amp; B &lt;Co&gt;');
    expect(await validateAddinManifest(xml)).toEqual([]);
  });

  it('accepts plain HTTP on loopback only when asked to (the tests run the hub without TLS)', async () => {
    const xml = renderAddinManifest({ publicUrl: 'http://127.0.0.1:8080' });
    expect(rules(await validateAddinManifest(xml))).toContain('https');
    expect(await validateAddinManifest(xml, { allowLoopbackHttp: true })).toEqual([]);
    const remote = renderAddinManifest({ publicUrl: 'http://meet.example.org' });
    expect(rules(await validateAddinManifest(remote, { allowLoopbackHttp: true }))).toContain('https');
  });

  it('is read by office-addin-manifest, which can give it another id and name that still pass', async () => {
    const path = join(dir, 'manifest.xml');
    writeFileSync(path, good);
    const info = await OfficeAddinManifest.readManifestFile(path);
    expect(info.id).toBe(ADDIN_ID);
    expect(info.hosts).toEqual(['Mailbox']);
    expect(info.permissions).toBe('ReadWriteItem');
    expect(info.displayName).toBe('Video meeting');
    const otherId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    await OfficeAddinManifest.modifyManifestFile(path, otherId, 'Meet (test)');
    const modified = readFileSync(path, 'utf8');
    expect((await OfficeAddinManifest.readManifestFile(path)).id).toBe(otherId);
    expect(await validateAddinManifest(modified)).toEqual([]);
  });
});

/** Broken variants of the good manifest, each with the rule that must catch it. */
const broken: [string, (xml: string) => string, ManifestProblem['rule']][] = [
  ['is not XML', () => 'this is <not xml', 'xml'],
  ['is no mail add-in', (xml) => xml.replace('xsi:type="MailApp"', 'xsi:type="TaskPaneApp"'), 'shape'],
  ['has an id that is no GUID', (xml) => xml.replace(`<Id>${ADDIN_ID}</Id>`, '<Id>my-addin</Id>'), 'id'],
  [
    'has a malformed version',
    (xml) => xml.replace('<Version>1.0.0.0</Version>', '<Version>v1</Version>'),
    'version',
  ],
  [
    'lacks the Mailbox requirement set',
    (xml) => xml.replace('<Set Name="Mailbox" MinVersion="1.1"/>', ''),
    'requirements',
  ],
  [
    'has an http URL',
    (xml) =>
      xml.replace(
        'https://meet.example.org/outlook/commands.html',
        'http://meet.example.org/outlook/commands.html',
      ),
    'https',
  ],
  [
    'has a URL on another origin',
    (xml) =>
      xml.replace(
        'https://meet.example.org/outlook/taskpane.html"/>\n        </bt:Urls>',
        'https://cdn.example.net/taskpane.html"/>\n        </bt:Urls>',
      ),
    'one-origin',
  ],
  [
    'has a resid that names nothing',
    (xml) => xml.replace('<Label resid="AddMeeting.Label"/>', '<Label resid="Missing.Label"/>'),
    'resid',
  ],
  [
    'has a resid of the wrong kind',
    (xml) => xml.replace('<FunctionFile resid="Commands.Url"/>', '<FunctionFile resid="Icon.16"/>'),
    'resid',
  ],
  [
    'uses a resource id twice',
    (xml) => xml.replace('<bt:Url id="Taskpane.Url"', '<bt:Url id="Commands.Url"'),
    'resource-id',
  ],
  [
    'has a resource id over 32 characters',
    (xml) => xml.replaceAll('Settings.Tooltip', 'Settings.Tooltip.That.Is.Far.Too.Long'),
    'resource-id',
  ],
  [
    'lacks the 80-pixel icon of a button',
    (xml) => xml.replace('<bt:Image size="80" resid="Icon.80"/>', ''),
    'icon-sizes',
  ],
  [
    'lacks a mobile icon size',
    (xml) => xml.replace('<bt:Image size="48" scale="2" resid="Icon.48"/>', ''),
    'icon-sizes',
  ],
  [
    'has two function commands on the organizer surface',
    (xml) =>
      xml.replace(
        '<Action xsi:type="ShowTaskpane">\n                      <SourceLocation resid="Taskpane.Url"/>\n                    </Action>',
        '<Action xsi:type="ExecuteFunction"><FunctionName>other</FunctionName></Action>',
      ),
    'organizer-command',
  ],
  [
    'has no function command on the organizer surface',
    (xml) =>
      xml.replace(
        '<Action xsi:type="ExecuteFunction">\n                      <FunctionName>addMeeting</FunctionName>',
        '<Action xsi:type="ShowTaskpane">\n                      <SourceLocation resid="Taskpane.Url"/>',
      ),
    'organizer-command',
  ],
  [
    'lacks the mobile online-meeting surface',
    (xml) => xml.replace('MobileOnlineMeetingCommandSurface', 'MobileMessageReadCommandSurface'),
    'mobile-surface',
  ],
];

describe('a broken add-in manifest', () => {
  it.each(broken)('is refused when it %s', async (_name, breakIt, rule) => {
    const xml = breakIt(good);
    expect(xml).not.toBe(good);
    const problems = await validateAddinManifest(xml);
    expect(rules(problems)).toContain(rule);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });
});
