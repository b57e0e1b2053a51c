import type { ApiRoom } from '../api/meeting-api.js';
import { addMeeting, eventIdProperty, showDialInProperty } from '../meeting/add-meeting.js';
import { localeOf } from '../meeting/meeting-details.js';
import { officeCall, type CustomProperties } from '../meeting/office-item.js';
import { office } from './office-host.js';
import { createSession } from './session.js';
import { paneText } from './taskpane-text.js';

/**
 * The task pane: sign-in, the meeting's settings (waiting room, guest access, password, dial-in
 * shown) and the same "Add meeting" as the command, with those settings applied.
 */
const session = createSession();
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  await office().onReady();
  const item = office().context.mailbox.item;
  const locale = localeOf(office().context.displayLanguage ?? navigator.language);
  const t = paneText[locale];
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll<HTMLElement>('[data-text]')) {
    element.textContent = t[element.dataset['text'] ?? ''] ?? '';
  }
  const status = byId<HTMLParagraphElement>('status');
  const signInButton = byId<HTMLButtonElement>('sign-in');
  const addButton = byId<HTMLButtonElement>('add');
  const form = byId<HTMLFormElement>('settings');
  const waitingRoom = byId<HTMLInputElement>('waiting-room');
  const guestAccess = byId<HTMLSelectElement>('guest-access');
  const password = byId<HTMLInputElement>('password');
  const showDialIn = byId<HTMLInputElement>('show-dial-in');
  if (item === null) throw new Error('no appointment is open');

  const say = (text: string, isError = false) => {
    status.textContent = text;
    status.dataset['kind'] = isError ? 'error' : 'info';
  };
  const props = () =>
    officeCall<CustomProperties>('read the custom properties', (cb) => item.loadCustomPropertiesAsync(cb));

  async function showSignedIn(): Promise<void> {
    signInButton.hidden = session.tokens.signedIn;
    form.hidden = !session.tokens.signedIn;
    byId('signed-in').textContent = session.tokens.signedIn ? t['signedIn']! : t['signedOut']!;
    if (!session.tokens.signedIn) return;
    const current = await props();
    const eventId = current.get(eventIdProperty);
    showDialIn.checked = current.get(showDialInProperty) !== false;
    addButton.textContent = typeof eventId === 'string' ? t['update']! : t['add']!;
    if (typeof eventId !== 'string') return;
    const event = await session.api.getEvent(eventId).catch(() => undefined);
    const room: ApiRoom | undefined = event && (await session.api.getRoom(event.room_id));
    if (room === undefined) return;
    waitingRoom.checked = room.waiting_room;
    guestAccess.value = room.guest_access;
    password.value = room.password ?? '';
  }

  signInButton.addEventListener('click', () => {
    say(t['working']!);
    session
      .signIn((device) =>
        say(t['deviceCode']!.replace('{uri}', device.verificationUri).replace('{code}', device.userCode)),
      )
      .then(async () => {
        say('');
        await showSignedIn();
      })
      .catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true));
  });

  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    addButton.disabled = true;
    say(t['working']!);
    addMeeting({
      item,
      api: session.api,
      publicUrl: session.publicUrl,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      locale,
      settings: {
        waiting_room: waitingRoom.checked,
        guest_access: guestAccess.value as ApiRoom['guest_access'],
        password: password.value === '' ? null : password.value,
        showDialIn: showDialIn.checked,
      },
    })
      .then((result) => {
        say(result.created ? t['added']! : t['updated']!);
        addButton.textContent = t['update']!;
      })
      .catch((error: unknown) => say(error instanceof Error ? error.message : String(error), true))
      .finally(() => {
        addButton.disabled = false;
      });
  });

  await showSignedIn();
}

main().catch((error: unknown) => {
  byId('status').textContent = error instanceof Error ? error.message : String(error);
});
