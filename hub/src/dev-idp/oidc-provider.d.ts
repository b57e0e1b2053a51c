// oidc-provider ships no types and @types/oidc-provider is not a dependency; the module's values
// are `unknown` here and given narrow types in provider-types.ts, where they are used.
declare module 'oidc-provider' {
  const Provider: unknown;
  export default Provider;
  export const errors: unknown;
}
