import { discoverIssuer, exchangeCode } from '../auth/oidc.js';
import { redirectSignIn } from '../auth/redirect-sign-in.js';
import { office, publicUrlOfPage } from './office-host.js';

/**
 * The sign-in dialog. First visit: remember a PKCE verifier and state in this dialog's
 * sessionStorage and go to the issuer. Second visit (the issuer's redirect back here): trade the
 * code for tokens and hand them to the pane or command that opened the dialog.
 */
const pendingKey = 'vc-outlook-pending-sign-in';

async function run(): Promise<void> {
  await office().onReady();
  const publicUrl = publicUrlOfPage();
  const here = `${publicUrl}/outlook/dialog.html`;
  const issuer = await discoverIssuer(publicUrl);
  const answer = await redirectSignIn(issuer, here, pendingKey);
  if (answer === null) return;
  const { params, pending } = answer;
  const error = params.get('error');
  if (error !== null) throw new Error(params.get('error_description') ?? error);
  const code = params.get('code');
  if (code === null || pending === null || pending.state !== params.get('state')) {
    throw new Error('the sign-in answer does not belong to this window');
  }
  const tokens = await exchangeCode(issuer, { code, redirectUri: here, verifier: pending.verifier });
  office().context.ui.messageParent(JSON.stringify({ tokens }));
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.getElementById('status')!.textContent = message;
  try {
    office().context.ui.messageParent(JSON.stringify({ error: message }));
  } catch {
    // No Office here: the message on the page is all there is.
  }
});
