import { Checkbox, NumberInput, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { Language } from '../i18n/i18n.js';
import { secretSetMarker, type ConnectorType, type SettingSchema } from './admin-types.js';

/** What the form holds per field: as typed; secrets only when typed (empty means unchanged). */
export type SettingValues = Record<string, string | number | boolean>;

interface Props {
  readonly type: ConnectorType;
  /** The stored settings when editing (secrets as `"<set>"`); absent when creating. */
  readonly stored?: Record<string, unknown>;
  readonly values: SettingValues;
  readonly onChange: (values: SettingValues) => void;
  /** Field problems from the API, by settings key. */
  readonly errors?: Record<string, string>;
}

const isNumeric = (s: SettingSchema): boolean => s.type === 'integer' || s.type === 'number';
/** `z.union([z.literal(1), z.literal(4)])` arrives as `anyOf` of consts: a closed choice. */
const choices = (s: SettingSchema): unknown[] | undefined =>
  s.enum !== undefined
    ? [...s.enum]
    : s.anyOf?.every((option) => option.const !== undefined) === true
      ? s.anyOf.map((option) => option.const)
      : undefined;

/** The label and hint the connector gave the field, in the reader's language; else its key. */
export function settingText(key: string, schema: SettingSchema, language: string) {
  const lang: Language = language === 'de' ? 'de' : 'en';
  return {
    label: schema['x-label']?.[lang] ?? key,
    // The schema's own description is English: shown only for fields the connector did not label.
    description:
      schema['x-description']?.[lang] ?? (schema['x-label'] === undefined ? schema.description : undefined),
  };
}

/**
 * A form generated from a connector type's settings JSON Schema: labels from the connector's
 * metadata, numbers as number inputs, checkboxes showing the effective value (stored, else the
 * default), secrets as write-only password fields.
 */
export function SettingFields({ type, stored, values, onChange, errors = {} }: Props) {
  const { t, i18n } = useTranslation();
  const properties = Object.entries(type.settings_schema.properties ?? {});
  const required = new Set(type.settings_schema.required ?? []);
  const set = (key: string, value: string | number | boolean) => onChange({ ...values, [key]: value });
  return (
    <Stack gap="sm">
      {properties.map(([key, schema]) => {
        const { label, description } = settingText(key, schema, i18n.language);
        const common = {
          label,
          description,
          error: errors[key],
          'data-setting': key,
        };
        const isRequired = required.has(key) && schema.default === undefined;
        if (schema['x-secret'] === true || type.secret_fields.includes(key)) {
          const isSet = stored?.[key] === secretSetMarker;
          return (
            <PasswordInput
              key={key}
              {...common}
              description={[
                description,
                isSet ? t('admin.settings.secretSet') : t('admin.settings.secretNew'),
              ]
                .filter(Boolean)
                .join(' · ')}
              placeholder={isSet ? t('admin.settings.unchanged') : ''}
              autoComplete="new-password"
              value={String(values[key] ?? '')}
              onChange={(e) => set(key, e.currentTarget.value)}
            />
          );
        }
        const current = values[key] ?? (stored?.[key] as string | number | boolean | undefined);
        if (schema.type === 'boolean') {
          const effective = current ?? schema.default;
          return (
            <Checkbox
              key={key}
              {...common}
              description={[
                description,
                schema.default === undefined
                  ? undefined
                  : t('admin.settings.default', {
                      value: schema.default === true ? t('admin.settings.on') : t('admin.settings.off'),
                    }),
              ]
                .filter(Boolean)
                .join(' · ')}
              checked={effective === true}
              onChange={(e) => set(key, e.currentTarget.checked)}
            />
          );
        }
        const options = choices(schema);
        if (options !== undefined) {
          const effective = current ?? schema.default;
          return (
            <Select
              key={key}
              {...common}
              required={isRequired}
              allowDeselect={false}
              data={options.map((option) => String(option as string | number))}
              value={
                typeof effective === 'number' || typeof effective === 'string' ? String(effective) : null
              }
              onChange={(value) => {
                if (value !== null)
                  set(key, isNumeric(schema) || typeof options[0] === 'number' ? Number(value) : value);
              }}
            />
          );
        }
        if (isNumeric(schema)) {
          return (
            <NumberInput
              key={key}
              {...common}
              required={isRequired}
              allowDecimal={schema.type === 'number'}
              inputMode={schema.type === 'number' ? 'decimal' : 'numeric'}
              {...(schema.minimum === undefined ? {} : { min: schema.minimum })}
              {...(schema.maximum === undefined ? {} : { max: schema.maximum })}
              placeholder={typeof schema.default === 'number' ? String(schema.default) : ''}
              value={typeof current === 'number' || typeof current === 'string' ? current : ''}
              onChange={(value) => set(key, value)}
            />
          );
        }
        return (
          <TextInput
            key={key}
            {...common}
            required={isRequired}
            placeholder={typeof schema.default === 'string' ? schema.default : ''}
            value={typeof current === 'string' ? current : ''}
            onChange={(e) => set(key, e.currentTarget.value)}
          />
        );
      })}
    </Stack>
  );
}

/**
 * The settings to send: what was typed, numbers as numbers; empty fields left out (the stored
 * value, or the default, stays), and so are secrets nobody typed.
 */
export function settingsToSend(type: ConnectorType, values: SettingValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(type.settings_schema.properties ?? {})) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    out[key] = isNumeric(schema) && typeof value === 'string' ? Number(value) : value;
  }
  return out;
}
