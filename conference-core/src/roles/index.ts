export { isPermission, permissionActions, permissions } from './permissions.js';
export type { Permission } from './permissions.js';
export { heldPermissions, resolvePermissions } from './resolve-permissions.js';
export type { EffectivePermissions, Grant, PermissionFacts } from './resolve-permissions.js';
export { loadPermissions } from './load-permissions.js';
export type { TokenFacts } from './load-permissions.js';
