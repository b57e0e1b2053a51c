/**
 * The part of npm `sip` (kirm/sip.js, untyped CommonJS) the gateway uses. Header names are lower
 * case; structured headers (via, to, from, contact, cseq, auth) are parsed objects, the rest strings.
 */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null | undefined>;
    headers?: Record<string, string>;
  }
  export interface SipAddress {
    name?: string;
    uri: string;
    params: Record<string, string | null | undefined>;
  }
  export interface SipVia {
    version?: string;
    protocol?: string;
    host?: string;
    port?: number;
    params: Record<string, string | number | null | undefined>;
  }
  export interface SipHeaders {
    via?: SipVia[];
    to?: SipAddress;
    from?: SipAddress;
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    contact?: SipAddress[] | '*';
    route?: SipAddress[];
    'record-route'?: SipAddress[];
    'content-type'?: string;
    'www-authenticate'?: Record<string, string>[];
    'proxy-authenticate'?: Record<string, string>[];
    authorization?: Record<string, string | undefined>[];
    'proxy-authorization'?: Record<string, string | undefined>[];
    [name: string]: unknown;
  }
  export interface SipMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    version?: string;
    headers: SipHeaders;
    content?: string;
  }
  export interface SipRemote {
    protocol: string;
    address: string;
    port: number;
    local?: { address: string; port: number };
  }
  export interface SipStackOptions {
    address?: string;
    port?: number;
    publicAddress?: string;
    hostname?: string;
    udp?: boolean;
    tcp?: boolean;
    rport?: boolean;
    maxBytesHeaders?: number;
    maxContentLength?: number;
    logger?: { error?: (error: unknown) => void };
  }
  export interface SipStack {
    send(message: SipMessage, callback?: (response: SipMessage) => void): void;
    hostname(): string;
    destroy(): void;
  }
  export interface SipConnection {
    send(message: SipMessage): void;
    release(): void;
    protocol: string;
  }
  export interface SipTransport {
    open(target: SipRemote, onError?: (error: unknown) => void): SipConnection;
    get(target: SipRemote, onError?: (error: unknown) => void): SipConnection;
    destroy(): void;
  }
  export interface SipServerTransaction {
    send(message: SipMessage): void;
    message?: (message: SipMessage, remote: SipRemote) => void;
  }
  export interface SipTransactionLayer {
    createServerTransaction(request: SipMessage, connection: SipConnection): SipServerTransaction;
    createClientTransaction(
      connection: SipConnection,
      request: SipMessage,
      callback: (response: SipMessage) => void,
    ): unknown;
    getServer(message: SipMessage): SipServerTransaction | undefined;
    getClient(
      message: SipMessage,
    ): { message?: (message: SipMessage, remote: SipRemote) => void } | undefined;
    destroy(): void;
  }
  export function makeTransport(
    options: SipStackOptions,
    callback: (message: SipMessage, remote: SipRemote) => void,
  ): SipTransport;
  export function makeTransactionLayer(
    options: SipStackOptions,
    open: (target: SipRemote, onError?: (error: unknown) => void) => SipConnection,
  ): SipTransactionLayer;
  export function resolve(uri: SipUri, action: (addresses: SipRemote[]) => void): void;
  export function create(
    options: SipStackOptions,
    callback: (request: SipMessage, remote: SipRemote) => void,
  ): SipStack;
  export function makeResponse(
    request: SipMessage,
    status: number,
    reason?: string,
    extension?: { headers?: SipHeaders; content?: string },
  ): SipMessage;
  export function parseUri(uri: string | undefined): SipUri | undefined;
  export function stringifyUri(uri: SipUri | string): string;
  export function generateBranch(): string;
  const sip: {
    makeTransport: typeof makeTransport;
    makeTransactionLayer: typeof makeTransactionLayer;
    resolve: typeof resolve;
    create: typeof create;
    makeResponse: typeof makeResponse;
    parseUri: typeof parseUri;
    stringifyUri: typeof stringifyUri;
    generateBranch: typeof generateBranch;
  };
  export default sip;
}

declare module 'sip/digest.js' {
  import type { SipMessage } from 'sip';
  export interface DigestContext {
    [key: string]: unknown;
  }
  export function signRequest(
    context: DigestContext | undefined,
    request: SipMessage,
    response: SipMessage | undefined,
    credentials: { user: string; password: string; realm?: string },
  ): DigestContext | null;
  export function challenge(context: DigestContext, response: SipMessage): SipMessage;
  export function authenticateRequest(
    context: DigestContext,
    request: SipMessage,
    credentials: { user: string; password: string; realm?: string },
  ): boolean;
  const digest: {
    signRequest: typeof signRequest;
    challenge: typeof challenge;
    authenticateRequest: typeof authenticateRequest;
  };
  export default digest;
}
