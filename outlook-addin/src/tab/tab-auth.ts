import { app, authentication } from '@microsoft/teams-js';

import { discoverIssuer, exchangeCode } from '../auth/oidc.js';
import { redirectSignIn } from '../auth/redirect-sign-in.js';
import { publicUrlOfPage } from '../pages/office-host.js';

/**
 * The tab's sign-in popup (opened by `authentication.authenticate`): code + PKCE against our
 * issuer with this page as redirect, then the tokens go back to the tab with `notifySuccess`.
 */
const pendingKey = 'vc-tab-pending-sign-in';

async function run(): Promise<void> {
  await app.initialize();
  const publicUrl = publicUrlOfPage();
  const here = `${publicUrl}/outlook/tab-auth.html`;
  const issuer = await discoverIssuer(publicUrl);
  const answer = await redirectSignIn(issuer, here, pendingKey);
  if (answer === null) return;
  const { params, pending } = answer;
  const code = params.get('code');
  if (code === null || pending === null || pending.state !== params.get('state')) {
    throw new Error(params.get('error_description') ?? 'the sign-in answer does not belong to this window');
  }
  const tokens = await exchangeCode(issuer, { code, redirectUri: here, verifier: pending.verifier });
  authentication.notifySuccess(JSON.stringify(tokens));
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.getElementById('status')!.textContent = message;
  authentication.notifyFailure(message);
});
