/**
 * The calls the add-in and the personal tab make to the API v1, over `fetch` with the signed-in
 * person's bearer token. Refusals become `ApiError` with the problem's stable code.
 */

export interface ZonedTime {
  readonly datetime: string;
  readonly timezone: string;
}

export interface ApiEvent {
  readonly id: string;
  readonly room_id: string;
  readonly title: string;
  readonly starts_at: ZonedTime | null;
  readonly ends_at: ZonedTime | null;
  readonly recurrence_pattern: readonly string[];
  readonly revision: number;
}

export interface ApiInvite {
  readonly id: string;
  readonly invitee_user_id: string | null;
  readonly email: string | null;
}

export interface ApiRoom {
  readonly id: string;
  readonly password?: string | null;
  readonly waiting_room: boolean;
  readonly guest_access: 'disabled' | 'waiting_room' | 'direct_access';
}

export interface ApiGuestLink {
  readonly invite_code: string;
  readonly expiration: string | null;
  readonly active: boolean;
}

export interface ApiDialIn {
  readonly sip_id: string;
  readonly password: string;
  readonly number: string | null;
}

export interface ApiMe {
  readonly id: string;
  readonly email: string;
}

export interface EventFields {
  readonly title: string;
  readonly starts_at: ZonedTime;
  readonly ends_at: ZonedTime;
  readonly recurrence_pattern: readonly string[];
}

export interface RoomSettings {
  readonly waiting_room?: boolean;
  readonly guest_access?: ApiRoom['guest_access'];
  readonly password?: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface MeetingApiOptions {
  /** The hub's public URL (the add-in's own origin in Outlook). */
  readonly baseUrl: string;
  /** A valid access token; refreshed by the caller's token store when needed. */
  readonly accessToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
}

export type MeetingApi = ReturnType<typeof createMeetingApi>;

/** Outlook sends the invitations itself: every change the add-in makes suppresses our mail. */
const quiet = '?suppress_email_notification=true';

export function createMeetingApi(options: MeetingApiOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ body: T; etag: string | null }> {
    const token = await options.accessToken();
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (cause) {
      throw new ApiError(0, 'network', `the server cannot be reached (${String(cause)})`);
    }
    if (res.status === 204) return { body: undefined as T, etag: null };
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const problem = (body ?? {}) as { code?: string; title?: string; detail?: string };
      throw new ApiError(
        res.status,
        problem.code ?? 'error',
        problem.detail ?? problem.title ?? `the server answered ${res.status}`,
      );
    }
    return { body: body as T, etag: res.headers.get('etag') };
  }

  return {
    me: async () => (await call<ApiMe>('/v1/users/me')).body,
    getEvent: async (id: string) => (await call<ApiEvent>(`/v1/events/${encodeURIComponent(id)}`)).body,
    createEvent: async (fields: EventFields & RoomSettings) =>
      (await call<ApiEvent>(`/v1/events${quiet}`, { method: 'POST', body: fields })).body,
    updateEvent: async (id: string, revision: number, fields: Partial<EventFields>) =>
      (
        await call<ApiEvent>(`/v1/events/${encodeURIComponent(id)}${quiet}`, {
          method: 'PATCH',
          body: fields,
          headers: { 'if-match': `"${revision}"` },
        })
      ).body,
    findUsers: async (query: string) =>
      (await call<ApiMe[]>(`/v1/users/find?${new URLSearchParams({ q: query, limit: '5' })}`)).body,
    listInvites: async (eventId: string) =>
      (await call<ApiInvite[]>(`/v1/events/${encodeURIComponent(eventId)}/invites`)).body,
    inviteEmail: async (eventId: string, email: string) =>
      (
        await call<ApiInvite>(`/v1/events/${encodeURIComponent(eventId)}/invites${quiet}`, {
          method: 'POST',
          body: { email },
        })
      ).body,
    uninviteUser: async (eventId: string, userId: string) => {
      await call<void>(
        `/v1/events/${encodeURIComponent(eventId)}/invites/${encodeURIComponent(userId)}${quiet}`,
        { method: 'DELETE' },
      );
    },
    getRoom: async (roomId: string) => (await call<ApiRoom>(`/v1/rooms/${encodeURIComponent(roomId)}`)).body,
    updateRoom: async (roomId: string, settings: RoomSettings) =>
      (await call<ApiRoom>(`/v1/rooms/${encodeURIComponent(roomId)}`, { method: 'PATCH', body: settings }))
        .body,
    guestLinks: async (roomId: string) =>
      (await call<ApiGuestLink[]>(`/v1/rooms/${encodeURIComponent(roomId)}/invites`)).body,
    createGuestLink: async (roomId: string) =>
      (
        await call<ApiGuestLink>(`/v1/rooms/${encodeURIComponent(roomId)}/invites`, {
          method: 'POST',
          body: {},
        })
      ).body,
    /** The room's dial-in, created when it has none yet. */
    dialIn: async (roomId: string): Promise<ApiDialIn> => {
      try {
        return (await call<ApiDialIn>(`/v1/rooms/${encodeURIComponent(roomId)}/sip`)).body;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
        return (
          await call<ApiDialIn>(`/v1/rooms/${encodeURIComponent(roomId)}/sip`, { method: 'PUT', body: {} })
        ).body;
      }
    },
    upcomingEvents: async (from: Date, to: Date, limit = 20) => {
      const query = new URLSearchParams({
        time_min: from.toISOString(),
        time_max: to.toISOString(),
        limit: String(limit),
      });
      return (await call<{ items: ApiEvent[] }>(`/v1/events?${query}`)).body.items;
    },
  };
}
