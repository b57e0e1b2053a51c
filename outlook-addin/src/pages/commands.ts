import { ApiError } from '../api/meeting-api.js';
import { SignInError } from '../auth/oidc.js';
import { addMeeting } from '../meeting/add-meeting.js';
import { localeOf } from '../meeting/meeting-details.js';
import { office } from './office-host.js';
import { createSession } from './session.js';

/**
 * The function file: "Add meeting" without a pane. It signs in through a dialog when needed, runs
 * the command, and reports in the appointment's notification bar. `event.completed()` is called on
 * every path, or Outlook shows the command as running until its one-minute limit.
 */
const session = createSession();

async function addMeetingCommand(event: { completed(options?: unknown): void }): Promise<void> {
  const host = office();
  const item = host.context.mailbox.item;
  const locale = localeOf(host.context.displayLanguage ?? navigator.language);
  const notify = (type: 'informationalMessage' | 'errorMessage', message: string) =>
    new Promise<void>((resolve) => {
      if (item?.notificationMessages === undefined) {
        resolve();
        return;
      }
      item.notificationMessages.replaceAsync(
        'vc-meeting',
        type === 'errorMessage' ? { type, message } : { type, message, icon: 'Icon.16', persistent: false },
        () => resolve(),
      );
    });
  try {
    if (item === null) throw new Error('no appointment is open');
    if (!session.tokens.signedIn) await session.signIn();
    const run = () =>
      addMeeting({
        item,
        api: session.api,
        publicUrl: session.publicUrl,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        locale,
      });
    const result = await run().catch(async (error: unknown) => {
      // Signed out in the meantime (refresh failed or token refused): sign in once and retry.
      if (!(error instanceof SignInError || (error instanceof ApiError && error.status === 401))) throw error;
      session.tokens.clear();
      await session.signIn();
      return run();
    });
    await notify(
      'informationalMessage',
      locale === 'de'
        ? result.created
          ? 'Videokonferenz hinzugefügt.'
          : 'Videokonferenz aktualisiert.'
        : result.created
          ? 'Video meeting added.'
          : 'Video meeting updated.',
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await notify(
      'errorMessage',
      (locale === 'de' ? 'Videokonferenz: ' : 'Video meeting: ') + message.slice(0, 140),
    );
  } finally {
    event.completed();
  }
}

void office()
  .onReady()
  .then(() => office().actions.associate('addMeeting', (event) => void addMeetingCommand(event)));
