import { timingSafeEqual } from 'node:crypto';

import express, { type NextFunction, type Request, type Response, type Router } from 'express';

import { demoPassword, demoUserNamed } from './demo-users.js';
import { pageHeaders, pickLanguage, renderErrorPage, renderLoginPage } from './login-page.js';
import type { InteractionDetails, OidcProvider } from './provider-types.js';

/**
 * The issuer's own sign-in pages (oidc-provider brings none for production): a login form for the
 * demo users and automatic consent, since every client here is our own. Plain HTML forms, so a
 * test can sign in with `fetch` and no browser.
 */
export function interactionRoutes(currentProvider: () => OidcProvider): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  router.get('/login-actions/:uid', async (req, res, next) => {
    try {
      const provider = currentProvider();
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        sendPage(res, 200, loginPage(req, details));
        return;
      }
      if (details.prompt.name === 'consent') {
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId: await grantEverything(provider, details) } },
          {
            mergeWithLastSubmission: true,
          },
        );
        return;
      }
      await provider.interactionFinished(req, res, {
        error: 'interaction_required',
        error_description: `this issuer cannot handle the "${details.prompt.name}" prompt`,
      });
    } catch (err) {
      handleInteractionError(err, req, res, next);
    }
  });

  router.post('/login-actions/:uid/login', form, async (req, res, next) => {
    try {
      const provider = currentProvider();
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') {
        sendPage(
          res,
          400,
          renderErrorPage(language(req, details), {
            error: 'invalid_request',
            error_description: 'no sign-in pending',
          }),
        );
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body['username'] === 'string' ? body['username'] : '';
      const password = typeof body['password'] === 'string' ? body['password'] : '';
      const user = demoUserNamed(username);
      if (user === undefined || !samePassword(password, demoPassword)) {
        sendPage(res, 401, loginPage(req, details, { username, failed: true }));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.subject } },
        {
          mergeWithLastSubmission: false,
        },
      );
    } catch (err) {
      handleInteractionError(err, req, res, next);
    }
  });

  router.get('/login-actions/:uid/abort', async (req, res, next) => {
    try {
      await currentProvider().interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      handleInteractionError(err, req, res, next);
    }
  });

  return router;
}

function loginPage(
  req: Request,
  details: InteractionDetails,
  extra: { username?: string; failed?: boolean } = {},
): string {
  const base = `${req.baseUrl}/login-actions/${encodeURIComponent(details.uid)}`;
  return renderLoginPage({
    language: language(req, details),
    action: `${base}/login`,
    abortUrl: `${base}/abort`,
    clientId: typeof details.params['client_id'] === 'string' ? details.params['client_id'] : '',
    ...extra,
  });
}

function language(req: Request, details?: InteractionDetails): 'de' | 'en' {
  return pickLanguage(details?.params['ui_locales'], req.get('accept-language'));
}

/** Consent for our own clients: grant what was asked, as Keycloak does for clients without consent screens. */
async function grantEverything(provider: OidcProvider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = details.params['client_id'];
  if (accountId === undefined || typeof clientId !== 'string')
    throw new Error('consent without a signed-in user');
  const grant = new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return grant.save();
}

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(pageHeaders).type('html').send(html);
}

/** oidc-provider's errors (expired interaction, missing cookie) become a page; anything else goes on. */
function handleInteractionError(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const status = typeof err === 'object' && err !== null && 'statusCode' in err ? err.statusCode : undefined;
  if (typeof status === 'number' && status < 500 && err instanceof Error) {
    const description = 'error_description' in err ? err.error_description : err.message;
    sendPage(
      res,
      status,
      renderErrorPage(language(req), { error: err.message, error_description: description }),
    );
    return;
  }
  next(err);
}
