import { describe, expect, it } from 'vitest';

import { AuthError } from './auth-error.js';
import { maxTokenLength, parseAuthorizationHeader } from './authorization-header.js';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
const code = '0b8a3c9e-2f61-4d4e-9a43-5a7c1f0e9d21';

function codeOf(header: string | undefined): string {
  try {
    parseAuthorizationHeader(header);
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  throw new Error('expected the header to be refused');
}

function messageOf(header: string): string {
  try {
    parseAuthorizationHeader(header);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected the header to be refused');
}

describe('parsing the Authorization header', () => {
  it('reads a bearer token, whatever the case of the scheme and the spacing', () => {
    expect(parseAuthorizationHeader(`Bearer ${jwt}`)).toEqual({ kind: 'bearer', token: jwt });
    expect(parseAuthorizationHeader(`bearer   ${jwt}  `)).toEqual({ kind: 'bearer', token: jwt });
    expect(parseAuthorizationHeader(`BEARER\t${jwt}`)).toEqual({ kind: 'bearer', token: jwt });
  });

  it('reads a guest invite code and lower-cases it', () => {
    expect(parseAuthorizationHeader(`InviteCode ${code}`)).toEqual({ kind: 'invite-code', inviteCode: code });
    expect(parseAuthorizationHeader(`invitecode ${code.toUpperCase()}`)).toEqual({
      kind: 'invite-code',
      inviteCode: code,
    });
  });

  it('says the token is missing when there is no header, a blank one, or a scheme without credential', () => {
    expect(codeOf(undefined)).toBe('missing_token');
    expect(codeOf('')).toBe('missing_token');
    expect(codeOf('   ')).toBe('missing_token');
    expect(codeOf('Bearer')).toBe('missing_token');
    expect(codeOf('Bearer   ')).toBe('missing_token');
    expect(codeOf('InviteCode')).toBe('missing_token');
  });

  it('refuses other schemes, malformed codes and tokens, without repeating them', () => {
    expect(codeOf('Basic YWxpY2U6c2VjcmV0')).toBe('invalid_token');
    expect(messageOf('Basic YWxpY2U6c2VjcmV0')).not.toContain('YWxpY2U6c2VjcmV0');
    expect(codeOf(jwt)).toBe('invalid_token');
    expect(codeOf('InviteCode not-a-uuid')).toBe('invalid_token');
    expect(codeOf(`InviteCode ${code} extra`)).toBe('invalid_token');
    expect(codeOf(`Bearer ${jwt} extra`)).toBe('invalid_token');
    expect(codeOf('Bearer <script>')).toBe('invalid_token');
    expect(messageOf('Bearer secret<script>')).not.toContain('secret');
  });

  it('refuses a token longer than the bound before looking at it', () => {
    expect(codeOf(`Bearer ${'a'.repeat(maxTokenLength + 1)}`)).toBe('invalid_token');
    expect(parseAuthorizationHeader(`Bearer ${'a'.repeat(maxTokenLength)}`).kind).toBe('bearer');
  });
});
