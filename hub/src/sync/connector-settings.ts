import { z } from 'zod';

import type { ConnectorDefinition } from '@vc/connector-sdk';
import { secretKeys, settingTextsOf } from '@vc/connector-sdk';
import type { ConnectorInstance, FieldProblem, JsonValue } from '@vc/conference-core';

import type { SecretBox } from './secret-box.js';

/** What the API shows instead of a stored secret: that one is set, never what it is. */
export const secretSetMarker = '<set>';

export type StoredSettings = {
  readonly settings: Record<string, JsonValue>;
  readonly secrets: Record<string, string>;
};

export type SettingsResult =
  | {
      readonly ok: true;
      readonly stored: StoredSettings;
      /** The parsed settings, secrets in plain: for the connector's save-time check only. */
      readonly parsed: Record<string, unknown>;
    }
  | { readonly ok: false; readonly problems: FieldProblem[] };

const secretContext = (tenantId: string, field: string) => `${tenantId}/${field}`;

/**
 * Validates settings with the connector's own schema and splits them: plain fields are stored as
 * they are, secret fields (marked with `secret()`) only sealed. `patch` is merged over what is
 * stored, so an update that leaves out a secret (or sends the `<set>` marker back) keeps it.
 */
export function prepareSettings(
  definition: ConnectorDefinition,
  box: SecretBox,
  tenantId: string,
  patch: Record<string, unknown>,
  current?: StoredSettings,
): SettingsResult {
  const secrets = new Set(secretKeys(definition.settings));
  const merged: Record<string, unknown> =
    current === undefined ? {} : openSettingsRaw(box, tenantId, current);
  for (const [key, value] of Object.entries(patch)) {
    if (secrets.has(key) && (value === undefined || value === secretSetMarker)) continue;
    merged[key] = value;
  }
  const parsed = definition.settings.safeParse(merged);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        field: ['body', 'settings', ...issue.path.map(String)].join('.'),
        // zod's messages never echo the value; secrets stay out of the response.
        message: issue.message,
      })),
    };
  }
  const settings: Record<string, JsonValue> = {};
  const sealed: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === undefined) continue;
    if (secrets.has(key)) sealed[key] = box.seal(JSON.stringify(value), secretContext(tenantId, key));
    else settings[key] = value as JsonValue;
  }
  return { ok: true, stored: { settings, secrets: sealed }, parsed: parsed.data };
}

function openSettingsRaw(box: SecretBox, tenantId: string, stored: StoredSettings): Record<string, unknown> {
  const plain: Record<string, unknown> = { ...stored.settings };
  for (const [key, sealed] of Object.entries(stored.secrets)) {
    plain[key] = JSON.parse(box.open(sealed, secretContext(tenantId, key))) as unknown;
  }
  return plain;
}

/** The settings a run gets: decrypted and parsed by the connector's schema (defaults applied). */
export function openSettings(
  definition: ConnectorDefinition,
  box: SecretBox,
  instance: ConnectorInstance,
): { ok: true; settings: unknown; secretValues: string[] } | { ok: false; message: string } {
  let raw: Record<string, unknown>;
  try {
    raw = openSettingsRaw(box, instance.tenantId, instance);
  } catch {
    return {
      ok: false,
      message: 'the stored secrets cannot be decrypted with the configured CONNECTOR_SECRET_KEY',
    };
  }
  const parsed = definition.settings.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    return { ok: false, message: `the stored settings no longer fit the connector's schema (${fields})` };
  }
  const secretValues = Object.keys(instance.secrets)
    .map((key) => raw[key])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
  return { ok: true, settings: parsed.data, secretValues };
}

/** Settings as the API returns them: plain fields, and `<set>` for each stored secret. */
export function publicSettings(instance: StoredSettings): Record<string, JsonValue> {
  return {
    ...instance.settings,
    ...Object.fromEntries(Object.keys(instance.secrets).map((key) => [key, secretSetMarker])),
  };
}

/**
 * The settings schema as JSON Schema for forms: secret fields marked `writeOnly` and `x-secret`,
 * labelled fields carrying `x-label` (and `x-description`) as `{en, de}`.
 */
export function settingsJsonSchema(definition: ConnectorDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(definition.settings, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const key of secretKeys(definition.settings)) {
    const property = properties[key];
    if (property !== undefined) Object.assign(property, { writeOnly: true, 'x-secret': true });
  }
  // Labels for people, in every language (`labelled()` in the connector SDK); forms fall back to the key.
  for (const [key, text] of Object.entries(settingTextsOf(definition.settings))) {
    const property = properties[key];
    if (property === undefined) continue;
    property['x-label'] = text.label;
    if (text.description !== undefined) property['x-description'] = text.description;
  }
  return schema;
}
