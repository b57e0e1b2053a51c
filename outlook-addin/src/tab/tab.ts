import { app, authentication, calendar } from '@microsoft/teams-js';

import { createMeetingApi, type ApiEvent } from '../api/meeting-api.js';
import { discoverIssuer, type TokenSet } from '../auth/oidc.js';
import { createTokenStore } from '../auth/token-store.js';
import { renderHtmlBlock } from '../meeting/body-block.js';
import { localeOf } from '../meeting/meeting-details.js';
import { publicUrlOfPage } from '../pages/office-host.js';
import { tabText } from './tab-text.js';

/**
 * The personal tab (Teams, Outlook, microsoft365.com): the next meetings with join buttons,
 * "meet now", and, where the host has Outlook's calendar (`calendar.isSupported()`, Outlook only),
 * a new appointment prefilled with a fresh meeting's block. Sign-in goes through
 * `authentication.authenticate`, which opens `tab-auth.html` in the host's popup.
 */
const publicUrl = publicUrlOfPage();
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const tokens = createTokenStore({ issuer: () => discoverIssuer(publicUrl), storage: sessionStorage });
const api = createMeetingApi({ baseUrl: publicUrl, accessToken: () => tokens.accessToken() });

function say(text: string, isError = false): void {
  const status = byId('status');
  status.textContent = text;
  status.dataset['kind'] = isError ? 'error' : 'info';
}

async function main(): Promise<void> {
  await app.initialize();
  const context = await app.getContext();
  const locale = localeOf(context.app.locale);
  const t = tabText[locale];
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll<HTMLElement>('[data-text]')) {
    element.textContent = t[element.dataset['text'] ?? ''] ?? '';
  }
  const joinUrl = (event: ApiEvent) => `${publicUrl}/rooms/${event.room_id}`;
  const open = (url: string) => void app.openLink(url).catch(() => window.open(url, '_blank', 'noopener'));

  async function list(): Promise<void> {
    const now = new Date();
    const events = await api.upcomingEvents(
      new Date(now.getTime() - 3_600_000),
      new Date(now.getTime() + 14 * 86_400_000),
    );
    const list = byId<HTMLUListElement>('meetings');
    list.replaceChildren(
      ...events.map((event) => {
        const item = document.createElement('li');
        item.dataset['testid'] = 'meeting';
        const when = document.createElement('span');
        when.textContent =
          event.starts_at === null
            ? ''
            : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
                new Date(event.starts_at.datetime),
              );
        const title = document.createElement('strong');
        title.textContent = event.title;
        const join = document.createElement('button');
        join.type = 'button';
        join.textContent = t['join']!;
        join.setAttribute('aria-label', `${t['join']!}: ${event.title}`);
        join.addEventListener('click', () => open(joinUrl(event)));
        item.append(when, title, join);
        return item;
      }),
    );
    say(events.length === 0 ? t['none']! : '');
  }

  async function meeting(title: string, start: Date, minutes: number): Promise<ApiEvent> {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return api.createEvent({
      title,
      starts_at: { datetime: start.toISOString(), timezone: zone },
      ends_at: { datetime: new Date(start.getTime() + minutes * 60_000).toISOString(), timezone: zone },
      recurrence_pattern: [],
    });
  }

  const signIn = byId<HTMLButtonElement>('sign-in');
  const meetNow = byId<HTMLButtonElement>('meet-now');
  const schedule = byId<HTMLButtonElement>('schedule');
  const showSignedIn = async () => {
    signIn.hidden = tokens.signedIn;
    meetNow.hidden = !tokens.signedIn;
    schedule.hidden = !tokens.signedIn || !calendar.isSupported();
    if (tokens.signedIn) await list();
  };
  signIn.addEventListener('click', () => {
    authentication
      .authenticate({ url: `${publicUrl}/outlook/tab-auth.html`, width: 600, height: 640 })
      .then(async (result) => {
        tokens.save(JSON.parse(result) as TokenSet);
        await showSignedIn();
      })
      .catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true));
  });
  meetNow.addEventListener('click', () => {
    meeting(t['meetNowTitle']!, new Date(), 60)
      .then(async (event) => {
        await list();
        open(joinUrl(event));
      })
      .catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true));
  });
  schedule.addEventListener('click', () => {
    // The next half hour, an hour long; classic Outlook needs both times (teams-js #2500).
    const start = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000);
    const end = new Date(start.getTime() + 3_600_000);
    meeting(t['scheduledTitle']!, start, 60)
      .then(async (event) => {
        const link = (await api.guestLinks(event.room_id))[0] ?? (await api.createGuestLink(event.room_id));
        const dialIn = await api.dialIn(event.room_id);
        const content = renderHtmlBlock(
          {
            eventId: event.id,
            joinUrl: joinUrl(event),
            guestUrl: `${publicUrl}/invite/${link.invite_code}`,
            dialIn: { number: dialIn.number, conferenceId: dialIn.sip_id, pin: dialIn.password },
          },
          locale,
        );
        await calendar.composeMeeting({
          attendees: [],
          startTime: start.toISOString(),
          endTime: end.toISOString(),
          subject: t['scheduledTitle']!,
          content,
        });
        await list();
      })
      .catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true));
  });
  await showSignedIn();
}

main().catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true));
