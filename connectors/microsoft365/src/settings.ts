import { secret } from '@vc/connector-sdk';
import { z } from 'zod';

const httpsOrLoopback = (what: string) =>
  z
    .string()
    .url()
    .refine((value) => {
      const url = new URL(value);
      // Plain http only for a loopback host: the fake Graph in tests, never a real tenant.
      return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === '127.0.0.1');
    }, `${what} must be an https:// URL`)
    .transform((value) => value.replace(/\/+$/, ''));

/** Settings of one Microsoft 365 connector instance; the admin API validates them with this schema. */
export const microsoft365Settings = z
  .object({
    tenantId: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,128}$/, 'a tenant id (GUID) or verified domain')
      .describe('Directory (tenant) id of the Entra ID tenant, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47'),
    clientId: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'the application (client) id, a GUID')
      .describe('Application (client) id of the app registration'),
    clientSecret: secret(z.string().min(1).describe('Client secret value (not its id)')).optional(),
    certificatePrivateKey: secret(
      z.string().min(1).describe('PEM private key of the certificate uploaded to the app registration'),
    ).optional(),
    certificateThumbprint: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'the certificate SHA-256 thumbprint, 64 hex digits')
      .optional()
      .describe('SHA-256 thumbprint of that certificate (hex)'),
    mailboxes: z
      .array(z.string().email().max(320))
      .max(10_000)
      .default([])
      .describe('Mailboxes (user principal names or addresses) whose calendars are watched'),
    groupId: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'a group object id (GUID)')
      .optional()
      .describe('Or: a group whose members’ mailboxes are watched (read at every full sync)'),
    meetingBaseUrl: httpsOrLoopback('meetingBaseUrl').describe(
      'Public URL of this hub: join links <url>/rooms/<id> in Outlook events link them to meetings',
    ),
    addinId: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'the add-in id (a GUID) of its manifest')
      .default('5f0c2b7e-8a43-4d1e-9b6a-3c2d7e9f1a40')
      .describe(
        'Id of our Outlook add-in (its manifest <Id>): Exchange keeps its custom properties, our event id among them, under cecp-<id>',
      ),
    authorityHost: httpsOrLoopback('authorityHost')
      .default('https://login.microsoftonline.com')
      .describe('Entra ID sign-in host (national clouds: e.g. https://login.microsoftonline.us)'),
    graphUrl: httpsOrLoopback('graphUrl')
      .default('https://graph.microsoft.com')
      .describe('Microsoft Graph host (national clouds: e.g. https://graph.microsoft.us)'),
    windowPastDays: z.number().int().min(0).max(365).default(7).describe('Calendar window: days back'),
    windowFutureDays: z
      .number()
      .int()
      .min(1)
      .max(1825)
      .default(365)
      .describe('Calendar window: days ahead (Graph reports items leaving the window as removed)'),
    pageSize: z.number().int().min(1).max(1000).default(200).describe('Items per Graph page and batch'),
    subscriptionMinutes: z
      .number()
      .int()
      .min(45)
      .max(10_080)
      .default(4230)
      .describe(
        'Lifetime asked for change-notification subscriptions (Graph documents 4,230 min for events); renewed at half-life',
      ),
    maxRetryWaitMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(60_000)
      .describe('Longest Retry-After waited in place; a longer one ends the run as rate_limited'),
    timeoutMs: z.number().int().min(1000).max(300_000).default(30_000).describe('Timeout per Graph request'),
  })
  .superRefine((settings, ctx) => {
    const secretGiven = settings.clientSecret !== undefined;
    const certGiven = settings.certificatePrivateKey !== undefined;
    if (secretGiven === certGiven) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientSecret'],
        message: 'give either clientSecret or certificatePrivateKey with certificateThumbprint',
      });
    }
    if (certGiven && settings.certificateThumbprint === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificateThumbprint'],
        message: 'required with certificatePrivateKey',
      });
    }
  });

export type Microsoft365Settings = z.output<typeof microsoft365Settings>;
