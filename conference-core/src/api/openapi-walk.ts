/**
 * Reading an OpenAPI document back, for the checks that every field says what it is (the core's
 * API v1 and the hub's admin endpoints hold themselves to the same bar).
 */
export interface OpenApiSchema {
  readonly $ref?: string;
  readonly description?: string;
  readonly example?: unknown;
  readonly format?: string;
  readonly properties?: Record<string, OpenApiSchema>;
  readonly items?: OpenApiSchema;
  readonly anyOf?: readonly OpenApiSchema[];
  readonly oneOf?: readonly OpenApiSchema[];
  readonly allOf?: readonly OpenApiSchema[];
}

export interface OpenApiOperation {
  readonly parameters?: readonly { name: string; in: string; description?: string; schema?: OpenApiSchema }[];
  readonly requestBody?: { required?: boolean; content: Record<string, { schema: OpenApiSchema }> };
  readonly responses: Record<string, { content?: Record<string, { schema: OpenApiSchema }> }>;
}

export interface OpenApiPaths {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** Every operation as `GET /v1/path` with its object. */
export function operationsOf(document: OpenApiPaths): { name: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );
}

/** Every schema under `schema` with the path to it (`body.starts_at.datetime`). */
function* walk(
  schema: OpenApiSchema | undefined,
  path: string,
): Generator<{ path: string; schema: OpenApiSchema }> {
  if (schema === undefined || schema.$ref !== undefined) return; // components are checked where defined
  yield { path, schema };
  for (const [key, child] of Object.entries(schema.properties ?? {})) yield* walk(child, `${path}.${key}`);
  yield* walk(schema.items, `${path}[]`);
  for (const variant of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    yield* walk(variant, path);
  }
}

/** The schemas of an operation's request body and responses, each with its path. */
export function schemasOf(operation: OpenApiOperation): { path: string; schema: OpenApiSchema }[] {
  return [
    ...Object.values(operation.requestBody?.content ?? {}).flatMap((c) => [...walk(c.schema, 'body')]),
    ...Object.entries(operation.responses).flatMap(([status, response]) =>
      Object.values(response.content ?? {}).flatMap((c) => [...walk(c.schema, status)]),
    ),
  ];
}

/** Parameters and fields without a description, as `GET /v1/path: body.field`. */
export function undescribedOpenApiFields(document: OpenApiPaths): string[] {
  const missing: string[] = [];
  for (const { name, operation } of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      if (parameter.description === undefined && parameter.schema?.description === undefined) {
        missing.push(`${name}: ${parameter.in} ${parameter.name}`);
      }
    }
    for (const { path, schema } of schemasOf(operation)) {
      for (const [key, field] of Object.entries(schema.properties ?? {})) {
        if (field.description === undefined && field.$ref === undefined)
          missing.push(`${name}: ${path}.${key}`);
      }
    }
  }
  return missing;
}
