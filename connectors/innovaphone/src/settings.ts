import { labelled, secret } from '@vc/connector-sdk';
import { z } from 'zod';

/** Settings of one innovaphone connector instance (one PBX, one App object). */
export const innovaphoneSettings = z.object({
  pbxUrl: labelled(
    z
      .url({ protocol: /^wss?$/ })
      .describe('AppWebsocket URL of the PBX, e.g. wss://pbx.example.com/PBX0/APPS/websocket'),
    {
      label: { en: 'PBX websocket URL', de: 'Websocket-URL der PBX' },
      description: {
        en: 'wss://<pbx>/PBX0/APPS/websocket',
        de: 'wss://<pbx>/PBX0/APPS/websocket',
      },
    },
  ),
  appObject: labelled(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'an App object name (must not start with a digit)')
      .describe('Name of the App object on the PBX (its SIP identity)'),
    { label: { en: 'App object name', de: 'Name des App-Objekts' } },
  ),
  appPassword: labelled(
    secret(z.string().min(1).max(200).describe('Password of the App object, shared with the PBX')),
    { label: { en: 'App object password', de: 'Passwort des App-Objekts' } },
  ),
  appName: labelled(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/)
      .default('vc-meetings')
      .describe('File name (without .htm) of the app the App object URL points at'),
    { label: { en: 'App file name', de: 'Dateiname der App' } },
  ),
  onlyUsersWithApp: labelled(
    z.boolean().default(true).describe('Sync only PBX users who are granted the App object (user Apps tab)'),
    { label: { en: 'Only users granted the app', de: 'Nur Benutzer mit Zugriff auf die App' } },
  ),
  callInNumber: labelled(
    z
      .string()
      .trim()
      .regex(/^\+?[0-9]{1,20}$/, 'digits, optionally with a leading +')
      .optional()
      .describe('Number or route prefix the PBX dials to reach the SIP call-in gateway (prefix stripped)'),
    { label: { en: 'Call-in route on the PBX', de: 'Einwahl-Route in der PBX' } },
  ),
  callInSipDomain: labelled(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'a host name, optionally with :port')
      .optional()
      .describe('Host of the SIP call-in gateway, for sip:<id>*<pin>@<host> calls'),
    { label: { en: 'SIP call-in host', de: 'SIP-Einwahl-Host' } },
  ),
  batchSize: z.number().int().min(1).max(1000).default(200).describe('Users per sync batch'),
  timeoutMs: z
    .number()
    .int()
    .min(500)
    .max(120_000)
    .default(15_000)
    .describe('Timeout for connecting and for each PBX answer'),
});

export type InnovaphoneSettings = z.output<typeof innovaphoneSettings>;
