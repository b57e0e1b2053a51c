export { endpointDefiner } from './endpoint.js';
export type {
  Endpoint,
  EndpointMeta,
  EndpointResult,
  HandlerInput,
  HttpMethod,
  RawRequest,
  ResponseSpec,
} from './endpoint.js';
export { buildOpenApiDocument, problemSchema } from './openapi.js';
export type { OpenApiInfo } from './openapi.js';
export {
  ApiProblem,
  errorHandler,
  notFound,
  problemCodes,
  sendProblem,
  validationProblem,
} from './problem.js';
export type { FieldProblem, Problem, ProblemCode } from './problem.js';
export type { Principal, PrincipalKind } from './principal.js';
export { createApiRouter, expressPath } from './router.js';
export type { ApiRouterOptions } from './router.js';
export { createPrincipalResolver, oidcIdentitySource } from './resolve-principal.js';
export { createApiV1, apiV1Endpoints } from './v1/index.js';
export type { ApiV1Options, ApiDeps } from './v1/index.js';
export { defineApiExtension } from './extension.js';
export type { ApiExtension, ApiExtensionContext } from './extension.js';
export { requireTenantAdmin, tenantAdminRole } from './v1/users/require-tenant-admin.js';
export { requireUser } from './v1/users/require-user.js';
