import { secret } from '@vc/connector-sdk';
import { z } from 'zod';

/** `/Root/Group/Field`: how A12 addresses a field in a document tree (PARTIAL_MODIFY_DOCUMENT paths). */
export const fieldPathPattern = /^(\/[A-Za-z_][A-Za-z0-9_]*)+$/;

const fieldPath = (what: string) =>
  z.string().trim().regex(fieldPathPattern, 'a field path such as /Appointment/Start').describe(what);

/**
 * Settings of one A12 connector instance. Flat on purpose: the admin dashboard renders them as
 * one form. Field paths are validated against the upstream model when the connector is saved.
 */
export const a12Settings = z.object({
  dataServicesUrl: z
    .url({ protocol: /^https?$/ })
    .describe('Base URL of the A12 Data Services; JSON-RPC goes to <base>/v2/rpc'),
  tokenUrl: z
    .url({ protocol: /^https?$/ })
    .describe(
      'OAuth2 token endpoint of A12 UAA or Keycloak, e.g. https://sso.example.org/realms/a12/protocol/openid-connect/token',
    ),
  clientId: z.string().trim().min(1).max(200).describe('OAuth2 client id (client credentials grant)'),
  clientSecret: secret(z.string().min(1).max(1000).describe('OAuth2 client secret')),
  scope: z.string().trim().max(500).optional().describe('OAuth2 scope to ask for, when the realm needs one'),
  documentModel: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a document model name')
    .describe('Document model of the appointments, e.g. Appointment'),
  titleField: fieldPath('Field with the appointment title'),
  startField: fieldPath('Field with the start (ISO date-time)'),
  endField: fieldPath('Field with the end (ISO date-time)'),
  timeZoneField: fieldPath('Field with the IANA time zone (empty documents use the default zone)').optional(),
  defaultTimeZone: z
    .string()
    .trim()
    .min(1)
    .default('Europe/Berlin')
    .describe('Time zone for appointments that name none'),
  participantsField: fieldPath("Field (repeatable) with the participants' email addresses"),
  organizerField: fieldPath("Field with the organizer's email address").optional(),
  defaultOrganizerEmail: z
    .email()
    .describe('Account that organizes meetings whose appointment names no known organizer'),
  videoWantedField: fieldPath('Yes/no field: the appointment asks for a video meeting'),
  statusField: fieldPath('Field with the appointment status').optional(),
  cancelledStatuses: z
    .array(z.string().trim().min(1))
    .default(['CANCELLED'])
    .describe('Status values that mean the appointment is cancelled'),
  eventIdField: fieldPath('Output field: our meeting id (the write-back idempotency key)'),
  joinUrlField: fieldPath('Output field: join link'),
  guestUrlField: fieldPath('Output field: guest link for external participants').optional(),
  dialInField: fieldPath('Output field: dial-in details (number, conference id, PIN)').optional(),
  modifiedAtField: z
    .string()
    .trim()
    .min(1)
    .default('__meta.modifiedAt')
    .describe('Metadata field holding the last modification time, used to poll for changes'),
  pageSize: z.number().int().min(1).max(1000).default(100).describe('Documents per QUERY page'),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(60)
    .describe('How far before the last seen modification time a poll starts reading (clock skew)'),
  webhookSecret: secret(
    z
      .string()
      .min(32)
      .max(500)
      .describe('Shared secret of the optional A12-side push extension (HMAC-SHA256)'),
  ).optional(),
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000).describe('Timeout per HTTP request'),
});

export type A12Settings = z.output<typeof a12Settings>;

/** The mapping fields the connector reads, by the role they play (named in mapping errors). */
export function inputFields(settings: A12Settings): { role: string; setting: string; path: string }[] {
  const fields: { role: string; setting: string; path: string | undefined }[] = [
    { role: 'title', setting: 'titleField', path: settings.titleField },
    { role: 'start', setting: 'startField', path: settings.startField },
    { role: 'end', setting: 'endField', path: settings.endField },
    { role: 'time zone', setting: 'timeZoneField', path: settings.timeZoneField },
    { role: 'participants', setting: 'participantsField', path: settings.participantsField },
    { role: 'organizer', setting: 'organizerField', path: settings.organizerField },
    { role: 'video meeting wanted', setting: 'videoWantedField', path: settings.videoWantedField },
    { role: 'status', setting: 'statusField', path: settings.statusField },
  ];
  return fields.filter((f): f is { role: string; setting: string; path: string } => f.path !== undefined);
}

export function outputFields(settings: A12Settings): { role: string; setting: string; path: string }[] {
  const fields: { role: string; setting: string; path: string | undefined }[] = [
    { role: 'event id', setting: 'eventIdField', path: settings.eventIdField },
    { role: 'join link', setting: 'joinUrlField', path: settings.joinUrlField },
    { role: 'guest link', setting: 'guestUrlField', path: settings.guestUrlField },
    { role: 'dial-in', setting: 'dialInField', path: settings.dialInField },
  ];
  return fields.filter((f): f is { role: string; setting: string; path: string } => f.path !== undefined);
}
