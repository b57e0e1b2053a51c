import { app, authentication } from '@microsoft/teams-js';

import { authorizationUrl, discoverIssuer, exchangeCode, randomString } from '../auth/oidc.js';
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
  const params = new URLSearchParams(location.search);
  const issuer = await discoverIssuer(publicUrl);
  if (!params.has('code') && !params.has('error')) {
    const verifier = randomString();
    const state = randomString(16);
    sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state }));
    location.assign(
      await authorizationUrl(issuer, { redirectUri: here, verifier, state, locale: navigator.language }),
    );
    return;
  }
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(pendingKey);
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
