import type { Endpoint } from '../endpoint.js';
import type { ApiDeps } from './deps.js';
import { getAuthLogin } from './meta/get-auth-login.js';
import { getOpenApi } from './meta/get-openapi.js';
import { getUsersFind } from './users/get-users-find.js';
import { getUsersMe } from './users/get-users-me.js';
import { patchUsersMe } from './users/patch-users-me.js';

/**
 * Every endpoint of API v1, by hand: this list is what the router mounts and what the OpenAPI
 * document describes. Fixed paths come before parameterized ones (`/users/find` before `/users/{id}`).
 */
export const apiV1Endpoints: readonly Endpoint<ApiDeps>[] = [
  getAuthLogin,
  getOpenApi,
  getUsersMe,
  patchUsersMe,
  getUsersFind,
];
