import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The part of oidc-provider 9 this issuer uses, typed by hand from its documentation
 * (docs/README.md of panva/node-oidc-provider). Only what is called here is declared.
 */
export interface OidcProviderModule {
  readonly Provider: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  readonly errors: {
    /** An OAuth error with our own description (InvalidGrant's description is fixed). */
    readonly CustomOIDCProviderError: new (error: string, description: string) => Error;
    readonly InvalidRequest: new (description?: string) => Error;
    readonly InvalidTarget: new (description?: string) => Error;
  };
}

export interface OidcProvider {
  readonly issuer: string;
  proxy: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  registerGrantType(
    name: string,
    handler: (ctx: ProviderContext) => Promise<void>,
    params?: readonly string[],
  ): void;
  on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): void;
  readonly Grant: new (init: { accountId: string; clientId: string }) => ProviderGrant;
  readonly AccessToken: new (init: {
    accountId: string;
    client: ProviderClient;
    grantId: string;
    gty: string;
    scope: string;
  }) => ProviderAccessToken;
  readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => unknown;
  readonly Client: { readonly prototype: ProviderClient };
}

export interface InteractionDetails {
  readonly uid: string;
  readonly prompt: {
    readonly name: string;
    readonly details: {
      readonly missingOIDCScope?: readonly string[];
      readonly missingOIDCClaims?: readonly string[];
      readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>;
    };
  };
  readonly params: Readonly<Record<string, unknown>>;
  readonly session?: { readonly accountId?: string };
  readonly grantId?: string;
}

export type InteractionResult =
  | { login: { accountId: string; remember?: boolean } }
  | { consent: { grantId?: string } }
  | { error: string; error_description?: string };

export interface ProviderGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: readonly string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

export interface ProviderAccessToken {
  resourceServer: unknown;
  readonly expiration: number;
  readonly scope: string | undefined;
  save(): Promise<string>;
}

export interface ProviderClient {
  readonly clientId: string;
  // Function-typed properties, not methods: dev-idp.ts wraps them on the class prototype.
  redirectUriAllowed: (this: ProviderClient, uri: string) => boolean;
  postLogoutRedirectUriAllowed: (this: ProviderClient, uri: string) => boolean;
}

export interface ProviderContext {
  readonly oidc: {
    readonly params: Readonly<Record<string, unknown>>;
    readonly client: ProviderClient;
  };
  body: unknown;
}

/** A token as `extraTokenClaims` and the TTL helpers see it. */
export interface IssuedToken {
  readonly kind: string;
  readonly accountId?: string;
  readonly clientId: string;
  readonly gty?: string;
}

export interface ResourceServerInfo {
  readonly scope: string;
  readonly audience: string;
  readonly accessTokenFormat: 'jwt';
  readonly accessTokenTTL: number;
  readonly jwt: { readonly sign: { readonly alg: string } };
}
