import { refreshTokens, SignInError, type Issuer, type TokenSet } from './oidc.js';

/**
 * The signed-in person's tokens: in memory, mirrored to this window's sessionStorage so a reload
 * of the pane keeps them. Never in roaming settings, which other services (Graph) can read
 * (Outlook add-in metadata docs), and never in localStorage, which outlives the session.
 */
export interface TokenStore {
  /** A valid access token, refreshed first when it is (nearly) expired; SignInError when none. */
  accessToken(): Promise<string>;
  save(tokens: TokenSet): void;
  clear(): void;
  readonly signedIn: boolean;
}

const storageKey = 'vc-outlook-tokens';
/** Refresh this long before expiry, so a request never leaves with a token about to die. */
const marginMs = 30_000;

export function createTokenStore(options: {
  issuer: () => Promise<Issuer>;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  doFetch?: typeof fetch;
  now?: () => number;
}): TokenStore {
  const now = options.now ?? Date.now;
  const storage = options.storage;
  let tokens: TokenSet | undefined = load();
  let refreshing: Promise<TokenSet> | undefined;

  function load(): TokenSet | undefined {
    try {
      const raw = storage?.getItem(storageKey);
      return raw === null || raw === undefined ? undefined : (JSON.parse(raw) as TokenSet);
    } catch {
      return undefined;
    }
  }

  function save(next: TokenSet): void {
    tokens = next;
    storage?.setItem(storageKey, JSON.stringify(next));
  }

  function clear(): void {
    tokens = undefined;
    storage?.removeItem(storageKey);
  }

  return {
    get signedIn() {
      return tokens !== undefined;
    },
    save,
    clear,
    async accessToken() {
      const current = tokens;
      if (current === undefined) throw new SignInError('sign_in_required', 'please sign in first');
      if (current.expiresAt - marginMs > now()) return current.accessToken;
      if (current.refreshToken === undefined) {
        clear();
        throw new SignInError('sign_in_required', 'the sign-in expired; please sign in again');
      }
      // One refresh for all callers that found the token expired at the same time.
      refreshing ??= (async () =>
        refreshTokens(await options.issuer(), current.refreshToken!, options.doFetch, now))().finally(() => {
        refreshing = undefined;
      });
      try {
        const next = await refreshing;
        save({ ...next, refreshToken: next.refreshToken ?? current.refreshToken });
        return next.accessToken;
      } catch (error) {
        clear();
        throw error instanceof SignInError
          ? new SignInError(
              'sign_in_required',
              `the sign-in expired (${error.message}); please sign in again`,
            )
          : error;
      }
    },
  };
}
