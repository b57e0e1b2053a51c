// The development OIDC issuer: oidc-provider with Keycloak's paths, demo users and our clients.
export { prepareDevIdp } from './dev-idp.js';
export type { DevIdp, DevIdpMountOptions, DevIdpStateOptions, PreparedDevIdp } from './dev-idp.js';
export { startDevIdp } from './standalone.js';
export type { StandaloneDevIdp, StandaloneDevIdpOptions } from './standalone.js';
export { demoPassword, demoUserNamed, demoUserNames, demoUsers } from './demo-users.js';
export type { DemoUser } from './demo-users.js';
export { devTokenGrantType, keycloakRoutes, webClientId } from './provider-config.js';
export { callInClientId, devIdpDirectory, readTokenCliSecret, tokenCliClientId } from './state-store.js';
export { devTokenClient } from './dev-token-client.js';
