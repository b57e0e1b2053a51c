import fc from 'fast-check';

/**
 * Values an attacker or a broken client sends, for property-based tests of the API: shaped like a
 * JSON Schema (the OpenAPI document's) most of the time, with hostile values at any depth: NUL
 * characters, year 0000, huge and empty strings, lone surrogates, wrong types, unknown fields.
 */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
}

export const hostileText = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\u0000',
    '0000-01-01T00:00:00Z',
    '0000-12-31T23:59:59+00:00',
    '9999-12-31T23:59:59Z',
    '',
    ' ',
    'x'.repeat(5000),
    '\uD800',
    '😀',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    'NaN',
    '-1',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
    'RRULE:FREQ=SECONDLY',
    'RRULE:FREQ=DAILY;COUNT=0',
    'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31',
    'Europe/Nowhere',
    '00000101T000000Z',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000`),
);

export const hostileAny: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, true, false, null, [], {}),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
);

/**
 * `valueFor(schema, name)`: an arbitrary for a value of `schema`. `components` resolves `$ref`s;
 * `known[name]` lists ids that exist, so a walk also reaches past the "not found" of a random id.
 */
export function hostileValues(
  components: Record<string, JsonSchema>,
  known: Record<string, string[]>,
): { valueFor(schema: JsonSchema, name: string): fc.Arbitrary<unknown> } {
  function resolve(schema: JsonSchema): JsonSchema {
    if (schema.$ref === undefined) return schema;
    return components[schema.$ref.split('/').at(-1) ?? ''] ?? {};
  }

  /** A value for `schema`: mostly shaped like it, with hostile values at any depth. */
  function valueFor(raw: JsonSchema, name: string, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    const shaped = shapedValueFor(schema, name, depth);
    return fc.oneof({ arbitrary: shaped, weight: 8 }, { arbitrary: hostileAny, weight: 1 });
  }

  function shapedValueFor(schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
    const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
    if (variants !== undefined && variants.length > 0)
      return fc.oneof(...variants.map((v) => valueFor(v, name, depth)));
    if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
    if (schema.const !== undefined) return fc.constant(schema.const);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
    return fc.oneof(...types.map((type) => valueOfType(type, schema, name, depth)));
  }

  function valueOfType(type: string, schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.oneof(
          fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 500 }),
          fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53),
        );
      case 'number':
        return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-0, 1e308));
      case 'array':
        return depth > 4
          ? fc.constant([])
          : fc.array(valueFor(schema.items ?? {}, name, depth + 1), { maxLength: 5 });
      case 'object': {
        if (depth > 4) return fc.constant({});
        const properties = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        const record = fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([key, s]) => [key, valueFor(s, key, depth + 1)]),
          ),
          { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) },
        );
        return fc
          .tuple(record, fc.option(fc.tuple(hostileText, hostileAny), { freq: 4 }))
          .map(([value, extra]) => (extra === null ? value : { ...value, [extra[0]]: extra[1] }));
      }
      default:
        return stringFor(schema, name);
    }
  }

  function stringFor(schema: JsonSchema, name: string): fc.Arbitrary<unknown> {
    const ids = known[name];
    if (ids !== undefined) return fc.oneof(fc.constantFrom(...ids), fc.uuid(), hostileText);
    switch (schema.format ?? '') {
      case 'uuid':
        return fc.oneof(fc.uuid(), hostileText);
      case 'date-time':
        return fc.oneof(
          fc
            .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
        );
      case 'email':
        return fc.oneof(fc.emailAddress(), hostileText);
      default:
        return fc.oneof(fc.string({ maxLength: 30 }), hostileText);
    }
  }

  return { valueFor: (schema, name) => valueFor(schema, name) };
}

/** Text for a URL: lone surrogates (which cannot be percent-encoded) become U+FFFD, as a client would send. */
export function asText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
