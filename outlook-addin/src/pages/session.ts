import { createMeetingApi, type MeetingApi } from '../api/meeting-api.js';
import { signInWithDialog } from '../auth/office-dialog-sign-in.js';
import {
  discoverIssuer,
  SignInError,
  startDeviceFlow,
  type DeviceAuthorization,
  type Issuer,
} from '../auth/oidc.js';
import { createTokenStore, type TokenStore } from '../auth/token-store.js';
import { publicUrlOfPage } from './office-host.js';

/** What a page of the add-in works with: the hub's URL, the tokens and the API over them. */
export interface Session {
  readonly publicUrl: string;
  readonly tokens: TokenStore;
  readonly api: MeetingApi;
  /**
   * Signs in through an Office dialog; where Outlook cannot open one, through the device grant
   * (when the issuer offers it), showing the code with `showDeviceCode`.
   */
  signIn(showDeviceCode?: (device: DeviceAuthorization) => void): Promise<void>;
}

export function createSession(): Session {
  const publicUrl = publicUrlOfPage();
  let issuer: Promise<Issuer> | undefined;
  const discover = () => (issuer ??= discoverIssuer(publicUrl));
  const tokens = createTokenStore({ issuer: discover, storage: sessionStorage });
  const api = createMeetingApi({ baseUrl: publicUrl, accessToken: () => tokens.accessToken() });
  return {
    publicUrl,
    tokens,
    api,
    async signIn(showDeviceCode) {
      try {
        tokens.save(await signInWithDialog(publicUrl));
      } catch (error) {
        if (
          !(error instanceof SignInError) ||
          error.code !== 'dialog_unavailable' ||
          showDeviceCode === undefined
        ) {
          throw error;
        }
        const device = await startDeviceFlow(await discover());
        showDeviceCode(device);
        tokens.save(await device.tokens);
      }
    },
  };
}
