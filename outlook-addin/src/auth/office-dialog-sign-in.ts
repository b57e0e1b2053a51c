import { office, type DialogArg } from '../pages/office-host.js';
import { SignInError, type TokenSet } from './oidc.js';

/** Office's dialog errors that mean "no dialog here" rather than "the person closed it". */
const cannotOpen = new Set([12004, 12005, 12007, 12009, 12011]);

/**
 * Signs in through an Office dialog: the dialog opens `dialog.html` on the add-in's own origin (a
 * dialog must start there), which runs code + PKCE against the issuer and sends the tokens back
 * with `messageParent`. Resolves with the tokens; SignInError `dialog_unavailable` when Outlook
 * cannot open a dialog (then the device flow is the way), `cancelled` when it was closed.
 */
export function signInWithDialog(publicUrl: string): Promise<TokenSet> {
  return new Promise((resolve, reject) => {
    office().context.ui.displayDialogAsync(
      `${publicUrl}/outlook/dialog.html`,
      { height: 60, width: 30, promptBeforeOpen: false },
      (result) => {
        if (result.status === 'failed') {
          const code = Number(result.error.code);
          reject(
            new SignInError(
              cannotOpen.has(code) ? 'dialog_unavailable' : 'dialog',
              `Outlook could not open the sign-in window (${code})`,
            ),
          );
          return;
        }
        const dialog = result.value;
        dialog.addEventHandler('dialogMessageReceived', (arg: DialogArg) => {
          dialog.close();
          if (!('message' in arg)) return;
          try {
            const message = JSON.parse(arg.message) as { tokens?: TokenSet; error?: string };
            if (message.tokens !== undefined) resolve(message.tokens);
            else reject(new SignInError('sign_in', message.error ?? 'sign-in failed'));
          } catch {
            reject(new SignInError('sign_in', 'the sign-in window sent something unexpected'));
          }
        });
        dialog.addEventHandler('dialogEventReceived', (arg: DialogArg) => {
          if ('error' in arg) {
            reject(
              arg.error === 12006
                ? new SignInError('cancelled', 'the sign-in window was closed')
                : new SignInError('dialog', `the sign-in window failed (${arg.error})`),
            );
          }
        });
      },
    );
  });
}
