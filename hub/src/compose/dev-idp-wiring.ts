import { createTokenVerifier, type Authenticator, type Logger } from '@vc/conference-core';

import type { HubConfig } from '../config.js';
import {
  demoPassword,
  demoUserNames,
  prepareDevIdp,
  type DevIdp,
  type PreparedDevIdp,
} from '../dev-idp/index.js';

/** The development issuer's keys and state, read (or generated) before the hub listens. */
export function prepareDevIdpIfOn(config: HubConfig, logger: Logger): Promise<PreparedDevIdp | undefined> {
  if (!config.devIdp) return Promise.resolve(undefined);
  return prepareDevIdp({
    dataDir: config.dataDir,
    callInSecret: config.devIdpCallInSecret,
    logger: logger.child({ component: 'dev-idp' }),
  });
}

/**
 * The verifier of the trusted issuer. The development issuer hands its keys over in-process (no
 * HTTP to ourselves at start or later); an external issuer is discovered on the first token.
 */
export function createVerifier(config: HubConfig, devIdp: DevIdp | undefined): Authenticator['verifier'] {
  if (devIdp !== undefined) {
    return createTokenVerifier({
      issuer: devIdp.issuer,
      audience: config.oidcAudience,
      jwks: () => devIdp.publicJwks(),
    });
  }
  if (config.oidcIssuer === undefined) throw new Error('no issuer configured: set OIDC_ISSUER');
  return createTokenVerifier({ issuer: config.oidcIssuer, audience: config.oidcAudience });
}

export function logDevIdp(devIdp: DevIdp, config: HubConfig, logger: Logger): void {
  const cluster = config.databaseUrl !== undefined || config.redisUrl !== undefined;
  if (cluster) {
    logger.warn(
      { issuer: devIdp.issuer },
      'the development issuer runs in cluster mode (DEV_IDP=on): anyone can sign in as a demo user; for testing only',
    );
  }
  logger.info(
    { issuer: devIdp.issuer, demoUsers: demoUserNames },
    `development issuer at ${devIdp.issuer}; demo users ${demoUserNames.join(', ')} (password "${demoPassword}"); ` +
      `a token for curl: npm run token -- ${demoUserNames[0] ?? 'alice'}`,
  );
}
