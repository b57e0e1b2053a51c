import { sql, type Kysely } from 'kysely';

/**
 * A user's week (GET /v1/events, decision 0032): the events they are invited to were found by
 * one probe into `events` per invitation they ever received, so the listing grew with a user's
 * history (6,000 invitations per user in a 1,000,000-event tenant). Each invitation now carries
 * a copy of its event's `starts_at` and `window_end`, so the invited branch is one index range
 * over the invitations, like the user's own events on `events_tenant_created_by_window_end_starts_at`.
 *
 * Triggers keep the copy right whoever writes (event service, calendar sync, bulk SQL): an
 * invitation takes its event's times when inserted, an event hands new times to its invitations
 * when they change. Both backends (PostgreSQL, PGlite) run PL/pgSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table event_invites
    add column event_starts_at timestamptz, add column event_window_end timestamptz`.execute(db);
  await sql`update event_invites i set event_starts_at = e.starts_at, event_window_end = e.window_end
    from events e where e.id = i.event_id`.execute(db);

  await sql`create function event_invites_take_event_times() returns trigger language plpgsql as $$
    begin
      select e.starts_at, e.window_end into new.event_starts_at, new.event_window_end
        from events e where e.id = new.event_id;
      return new;
    end $$`.execute(db);
  await sql`create trigger event_invites_event_times before insert or update of event_id on event_invites
    for each row execute function event_invites_take_event_times()`.execute(db);

  await sql`create function events_give_times_to_invites() returns trigger language plpgsql as $$
    begin
      update event_invites set event_starts_at = new.starts_at, event_window_end = new.window_end
        where event_id = new.id;
      return null;
    end $$`.execute(db);
  // window_end is generated; an AFTER trigger sees its new value.
  await sql`create trigger events_times_to_invites after update on events for each row
    when (old.starts_at is distinct from new.starts_at or old.window_end is distinct from new.window_end)
    execute function events_give_times_to_invites()`.execute(db);

  // Replaces event_invites_tenant_invitee (tenant, invitee, event_id): its prefix served every other
  // lookup by invitee, and the new one serves them too. Mirrors the own-events index.
  await sql`create index event_invites_tenant_invitee_window on event_invites
    (tenant_id, invitee_user_id, event_window_end, event_starts_at) include (event_id)
    where invitee_user_id is not null`.execute(db);
  await sql`drop index event_invites_tenant_invitee`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index event_invites_tenant_invitee on event_invites (tenant_id, invitee_user_id, event_id)
    where invitee_user_id is not null`.execute(db);
  await sql`drop index event_invites_tenant_invitee_window`.execute(db);
  await sql`drop trigger events_times_to_invites on events`.execute(db);
  await sql`drop function events_give_times_to_invites()`.execute(db);
  await sql`drop trigger event_invites_event_times on event_invites`.execute(db);
  await sql`drop function event_invites_take_event_times()`.execute(db);
  await sql`alter table event_invites drop column event_starts_at, drop column event_window_end`.execute(db);
}
