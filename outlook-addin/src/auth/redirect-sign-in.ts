import { authorizationUrl, randomString, type Issuer } from './oidc.js';

/** What a sign-in page remembered before it went to the issuer. */
export interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
}

/**
 * The code + PKCE round trip of a sign-in page that is its own redirect target (the Office dialog,
 * the tab's popup). First visit: remember a verifier and state in sessionStorage and go to the
 * issuer (resolves null). The issuer's redirect back: the answer's parameters and what was
 * remembered (null when nothing was), which the page checks before it trades the code.
 */
export async function redirectSignIn(
  issuer: Issuer,
  redirectUri: string,
  pendingKey: string,
): Promise<{ readonly params: URLSearchParams; readonly pending: PendingSignIn | null } | null> {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) {
    const verifier = randomString();
    const state = randomString(16);
    sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state }));
    location.assign(
      await authorizationUrl(issuer, { redirectUri, verifier, state, locale: navigator.language }),
    );
    return null;
  }
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(pendingKey);
  return { params, pending };
}
