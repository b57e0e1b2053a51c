import type { z } from 'zod';

import { validationProblem, type FieldProblem } from './problem.js';
import { nulCharacterProblems } from './untrusted-text.js';
import type { Principal, PrincipalKind } from './principal.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  /** The body's schema; absent for empty bodies (204) and non-JSON bodies. */
  readonly schema?: z.ZodType;
  /** Default `application/json`; e.g. `text/calendar` for the ICS feed. */
  readonly contentType?: string;
}

/** What a handler returns; the router sends it (and, in tests, checks it against its schema). */
export interface EndpointResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The request as the router hands it over, before validation. */
export interface RawRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string | undefined;
}

export interface EndpointMeta {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** OpenAPI form, `/v1/events/{eventId}`; the router derives the express form. */
  readonly path: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /** Who may call it; an empty list means anyone, without credentials. */
  readonly access: readonly PrincipalKind[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** An endpoint with its input types erased, so a registry can hold many in one list. */
export interface Endpoint<Deps> extends EndpointMeta {
  run(request: RawRequest, principal: Principal | undefined, deps: Deps): Promise<EndpointResult>;
}

export interface HandlerInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | undefined;
  readonly headers: RawRequest['headers'];
  readonly ip: string | undefined;
}

/**
 * Declares one endpoint: its schemas (which validate requests and document the API from the
 * same source) and its handler, which only ever sees validated input. Curried so the
 * dependencies type is fixed once and the schema types are inferred:
 * `const defineEndpoint = endpointDefiner<ApiDeps>();`
 */
export function endpointDefiner<Deps>() {
  return function defineEndpoint<
    P extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    B extends z.ZodType = z.ZodUndefined,
  >(
    spec: EndpointMeta & {
      readonly params?: P;
      readonly query?: Q;
      readonly body?: B;
      readonly handle: (
        input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>,
        deps: Deps,
      ) => Promise<EndpointResult>;
    },
  ): Endpoint<Deps> {
    const { handle, ...meta } = spec;
    return {
      ...meta,
      async run(request, principal, deps) {
        const problems: FieldProblem[] = [
          ...nulCharacterProblems('path', request.params),
          ...nulCharacterProblems('query', request.query),
          ...nulCharacterProblems('body', request.body),
        ];
        if (problems.length > 0) throw validationProblem(problems);
        const params = parsePart('path', spec.params, request.params, problems);
        const query = parsePart('query', spec.query, request.query, problems);
        const body = parsePart('body', spec.body, request.body, problems);
        if (problems.length > 0) {
          throw validationProblem(problems);
        }
        return handle(
          {
            params: params as z.output<P>,
            query: query as z.output<Q>,
            body: body as z.output<B>,
            principal,
            headers: request.headers,
            ip: request.ip,
          },
          deps,
        );
      },
    };
  };
}

function parsePart(
  part: 'path' | 'query' | 'body',
  schema: z.ZodType | undefined,
  value: unknown,
  problems: FieldProblem[],
): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const field = [part, ...issue.path.map(String)].join('.');
    problems.push({ field, message: issue.message });
  }
  return undefined;
}
