import { z } from 'zod';

/** A text in every language the product ships (the admin dashboard shows the one chosen). */
export interface LocalizedText {
  readonly en: string;
  readonly de: string;
}

/** What a settings form shows for one field instead of its key: a label and, when useful, a hint. */
export interface SettingText {
  readonly label: LocalizedText;
  readonly description?: LocalizedText;
}

/**
 * Labels of settings fields, kept in a registry beside the schema (like `secret()`), so a connector
 * names its fields for people without the hub guessing from keys. Apply it last, after
 * `.optional()` / `.default()`, or anywhere inside them: the lookup looks through those wrappers.
 */
export const settingTexts = z.registry<SettingText>();

export function labelled<T extends z.ZodType>(schema: T, text: SettingText): T {
  settingTexts.add(schema, text);
  return schema;
}

/** The label and hint of each top-level settings field that has one. */
export function settingTextsOf(settings: z.ZodObject): Record<string, SettingText> {
  const found: Record<string, SettingText> = {};
  for (const [key, field] of Object.entries(settings.shape)) {
    const text = lookThrough(field as z.ZodType);
    if (text !== undefined) found[key] = text;
  }
  return found;
}

function lookThrough(schema: z.ZodType): SettingText | undefined {
  let current = schema;
  for (;;) {
    const text = settingTexts.get(current);
    if (text !== undefined) return text;
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else {
      return undefined;
    }
  }
}
