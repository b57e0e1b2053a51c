/**
 * The signed-in person's tokens, for this tab only (sessionStorage): a shared computer forgets
 * them with the tab. The ID token is kept for the issuer's sign-out.
 */
const tokenKey = 'vc-web-token';
const idTokenKey = 'vc-web-id-token';

export function currentToken(): string | undefined {
  const token = sessionStorage.getItem(tokenKey);
  if (token === null) return undefined;
  if (isExpired(token)) {
    sessionStorage.removeItem(tokenKey);
    return undefined;
  }
  return token;
}

export function currentIdToken(): string | undefined {
  return sessionStorage.getItem(idTokenKey) ?? undefined;
}

export function storeTokens(accessToken: string, idToken: string | undefined): void {
  sessionStorage.setItem(tokenKey, accessToken);
  if (idToken !== undefined) sessionStorage.setItem(idTokenKey, idToken);
}

export function clearTokens(): void {
  sessionStorage.removeItem(tokenKey);
  sessionStorage.removeItem(idTokenKey);
}

/** Reads `exp` without checking the signature (the API checks it); a token near its end counts as gone. */
function isExpired(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as {
      exp?: number;
    };
    return typeof payload.exp === 'number' && payload.exp * 1000 < Date.now() + 10_000;
  } catch {
    return false;
  }
}
