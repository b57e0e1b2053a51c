import { appLoginDigest } from '../digest.js';

/**
 * FAKE of what myApps and the PBX do for an app (AppGetLogin -> AppGetLoginResult, SDK
 * doc/appwebsocket/myApps.htm): the PBX signs the user's fields and the challenge with the App
 * object password. The app forwards the result as AppLogin; tests use this to stand in for both.
 */
export interface PbxUserLogin {
  readonly app: string;
  readonly domain: string;
  readonly sip: string;
  readonly guid: string;
  readonly dn: string;
  readonly info?: Record<string, unknown>;
}

export function fakeAppGetLogin(user: PbxUserLogin, challenge: string, password: string) {
  const info = user.info ?? { appobj: user.app, cn: user.dn, apps: [{ name: user.app }] };
  const digest = appLoginDigest({ ...user, info: JSON.stringify(info) }, challenge, password);
  return { mt: 'AppLogin', ...user, info, digest };
}
