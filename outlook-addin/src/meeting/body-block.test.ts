import { describe, expect, it } from 'vitest';

import {
  removeHtmlBlocks,
  renderHtmlBlock,
  renderTextBlock,
  withHtmlBlock,
  withTextBlock,
} from './body-block.js';
import { outlookRewrite } from './fake-mailbox-item.js';
import type { MeetingDetails } from './meeting-details.js';

const details: MeetingDetails = {
  eventId: '7d8e1c44-0000-4000-8000-000000000001',
  joinUrl: 'https://vc.example.org/rooms/0b6c3f0e-2f7e-4d55-9d3a-8a6a3b1c2d4e',
  guestUrl: 'https://vc.example.org/invite/5a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  dialIn: { number: '+49 30 1234567', conferenceId: '1234567890', pin: '424242' },
};

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('the meeting block in an HTML body', () => {
  it('holds the join link, the guest link, the dial-in number, the conference ID and the PIN', () => {
    const block = renderHtmlBlock(details, 'en');
    for (const part of [details.joinUrl, details.guestUrl!, '+49 30 1234567', '1234567890', '424242']) {
      expect(block).toContain(part);
    }
    expect(renderHtmlBlock(details, 'de')).toContain('Konferenz-ID');
  });

  it('leaves out the phone line when dial-in is not shown, and the number when none is configured', () => {
    expect(renderHtmlBlock({ ...details, dialIn: null }, 'en')).not.toContain('PIN');
    const noNumber = renderHtmlBlock({ ...details, dialIn: { ...details.dialIn!, number: null } }, 'en');
    expect(noNumber).toContain('Conference ID: 1234567890');
    expect(noNumber).not.toContain('+49');
  });

  it('escapes what it writes', () => {
    const block = renderHtmlBlock(
      { ...details, guestUrl: 'https://x.test/"><script>alert(1)</script>' },
      'en',
    );
    expect(block).not.toContain('<script>');
    expect(block).toContain('&lt;script&gt;');
  });

  it('is added once before the end of the body and replaced in place after Outlook rewrote it', () => {
    const first = outlookRewrite(
      withHtmlBlock(
        '<html><body><div>Agenda</div><p>Notes</p></body></html>',
        renderHtmlBlock(details, 'en'),
      ),
    );
    expect(first).toContain('id="x_vc-meeting-block"');
    const moved = {
      ...details,
      guestUrl: 'https://vc.example.org/invite/00000000-0000-4000-8000-000000000000',
    };
    const second = outlookRewrite(withHtmlBlock(first, renderHtmlBlock(moved, 'en')));
    expect(count(second, 'vc-meeting-block')).toBe(1);
    expect(second).not.toContain(details.guestUrl);
    expect(second).toContain(moved.guestUrl);
    expect(second.indexOf('Notes')).toBeLessThan(second.indexOf('vc-meeting-block'));
    expect(second).toContain('Agenda');
  });

  it('keeps text the organizer wrote after the block', () => {
    const body = `<div>Before</div>${renderHtmlBlock(details, 'en')}<div>After <div>nested</div></div>`;
    const replaced = withHtmlBlock(outlookRewrite(body), renderHtmlBlock({ ...details, dialIn: null }, 'en'));
    expect(replaced).toMatch(/Before.*vc-meeting-block.*After.*nested/s);
    expect(replaced).not.toContain('424242');
  });

  it('collapses duplicate blocks left by a faulty older write into one', () => {
    const block = renderHtmlBlock(details, 'en');
    const body = `<div>a</div>${block}<div>b</div>${outlookRewrite(block)}`;
    const fixed = withHtmlBlock(body, block);
    expect(count(fixed, 'vc-meeting-block')).toBe(1);
    expect(fixed).toMatch(/a.*vc-meeting-block.*b/s);
  });

  it('treats an unclosed block in a truncated body as running to the end of the body', () => {
    const body = `<html><body><div>keep</div><div id="x_vc-meeting-block"><p>old</p></body></html>`;
    const { html } = removeHtmlBlocks(body);
    expect(html).toBe('<html><body><div>keep</div></body></html>');
  });

  it('does not mistake an element whose id only starts like ours for the block', () => {
    const body = '<div id="vc-meeting-block-notes">mine</div>';
    expect(removeHtmlBlocks(body).at).toBeUndefined();
  });
});

describe('the meeting block in a plain-text body', () => {
  it('is added once and replaced between its marker lines', () => {
    const first = withTextBlock('Agenda', renderTextBlock(details, 'en'));
    const second = withTextBlock(
      `${first}\nPS: bring coffee`,
      renderTextBlock({ ...details, guestUrl: null }, 'de'),
    );
    expect(count(second, 'Video meeting / Videokonferenz')).toBe(1);
    expect(second).toMatch(/^Agenda\n\n-----.*\nPS: bring coffee$/s);
    expect(second).not.toContain(details.guestUrl);
    expect(second).toContain('Konferenz-ID: 1234567890');
  });
});
