import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * The scheduling domain: people, rooms, meetings, invitations, guest links, dial-in, the outbox
 * and calendar feed tokens.
 *
 * Every table carries `tenant_id`, and every reference between two tenant-owned rows is a
 * composite foreign key `(tenant_id, x_id) -> parent (tenant_id, id)`: a room of tenant A can
 * never point at an owner of tenant B, whatever a bug upstream passes in. The parents therefore
 * have a `unique (tenant_id, id)` besides their primary key, which doubles as the tenant-first
 * lookup index for `where tenant_id = ? and id = ?`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createPeople(db);
  await createRoomsAndEvents(db);
  await createInvitesLinksAndDialIn(db);
  await createOutboxAndFeeds(db);
}

async function createPeople(db: Kysely<unknown>): Promise<void> {
  await tenantTable(db, 'users')
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('language', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('phone', 'text')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('last_login_at', 'timestamptz')
    .$call(timestamps)
    .addUniqueConstraint('users_tenant_id_id_key', ['tenant_id', 'id'])
    .addCheckConstraint('users_email_format', sql`position('@' in email) > 1`)
    .execute();
  // text_pattern_ops: the one index serves uniqueness, equality and the prefix LIKE of user search,
  // which an index in a non-C collation (en_US on many servers) cannot answer.
  await sql`create unique index users_tenant_email_key on users (tenant_id, lower(email) text_pattern_ops)`.execute(
    db,
  );
  for (const column of ['display_name', 'given_name', 'family_name']) {
    await sql`create index ${sql.id(`users_tenant_${column}_prefix`)}
      on users (tenant_id, lower(${sql.ref(column)}) text_pattern_ops)`.execute(db);
  }

  await db.schema
    .createTable('user_identities')
    .$call(tenantColumn)
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_identities_pkey', ['tenant_id', 'source', 'external_id'])
    .$call(references('user_identities_user_fkey', 'user_id', 'users', 'cascade'))
    .addCheckConstraint('user_identities_not_empty', sql`source <> '' and external_id <> ''`)
    .execute();
  await tenantIndex(db, 'user_identities', ['user_id']);

  await tenantTable(db, 'groups')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('source', 'text')
    .addColumn('external_id', 'text')
    .$call(timestamps)
    .addUniqueConstraint('groups_tenant_id_id_key', ['tenant_id', 'id'])
    .addUniqueConstraint('groups_tenant_name_key', ['tenant_id', 'name'])
    .addCheckConstraint('groups_external_pair', sql`(source is null) = (external_id is null)`)
    .execute();
  await sql`create unique index groups_tenant_external_key on groups (tenant_id, source, external_id)
    where source is not null`.execute(db);

  await db.schema
    .createTable('group_memberships')
    .$call(tenantColumn)
    .addColumn('group_id', 'uuid', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_memberships_pkey', ['group_id', 'user_id'])
    .$call(references('group_memberships_group_fkey', 'group_id', 'groups', 'cascade'))
    .$call(references('group_memberships_user_fkey', 'user_id', 'users', 'cascade'))
    .execute();
  await tenantIndex(db, 'group_memberships', ['user_id']);
}

const spanEnd = sql`case when cardinality(recurrence) = 0 then ends_at
  else coalesce(series_ends_at, 'infinity'::timestamptz) end`;

async function createRoomsAndEvents(db: Kysely<unknown>): Promise<void> {
  await tenantTable(db, 'rooms')
    .addColumn('owner_id', 'uuid', (col) => col.notNull())
    .addColumn('password', 'text')
    .addColumn('waiting_room', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('guest_access', 'text', (col) => col.notNull().defaultTo('waiting_room'))
    .$call(timestamps)
    .addUniqueConstraint('rooms_tenant_id_id_key', ['tenant_id', 'id'])
    .$call(references('rooms_owner_fkey', 'owner_id', 'users'))
    .addCheckConstraint(
      'rooms_guest_access_values',
      sql`guest_access in ('disabled', 'waiting_room', 'direct_access')`,
    )
    .execute();
  await tenantIndex(db, 'rooms', ['owner_id', 'created_at', 'id']);

  await tenantTable(db, 'events')
    .addColumn('room_id', 'uuid', (col) => col.notNull().unique())
    .addColumn('created_by', 'uuid', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('is_time_independent', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('is_all_day', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('is_adhoc', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('time_zone', 'text')
    .addColumn('recurrence', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('series_ends_at', 'timestamptz')
    // Where the event stops overlapping any window: the end of a single event, the end of the
    // last occurrence of a finite series, 'infinity' for an endless one, null when time
    // independent. One column for the window query to range over instead of three cases. A
    // zero-length meeting (Outlook allows them) gets one microsecond so it still occupies its
    // instant: a window [from, to) lists it when from <= starts_at < to.
    // (Shifted through UTC because timestamptz + interval is not immutable, as a generated
    // column must be; timestamp + interval is.)
    .addColumn('window_end', 'timestamptz', (col) =>
      col
        .generatedAlwaysAs(
          sql`case when ends_at = starts_at
                then ((${spanEnd}) at time zone 'UTC' + interval '1 microsecond') at time zone 'UTC'
                else ${spanEnd} end`,
        )
        .stored(),
    )
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(1))
    .$call(timestamps)
    .addUniqueConstraint('events_tenant_id_id_key', ['tenant_id', 'id'])
    // Deleting a room deletes its meeting: each event has its own room and is useless without it.
    .$call(references('events_room_fkey', 'room_id', 'rooms', 'cascade'))
    .$call(references('events_creator_fkey', 'created_by', 'users'))
    .addCheckConstraint('events_title_length', sql`char_length(title) <= 255`)
    .addCheckConstraint('events_description_length', sql`char_length(description) <= 10000`)
    .addCheckConstraint(
      'events_times',
      sql`case when is_time_independent
            then starts_at is null and ends_at is null and cardinality(recurrence) = 0
            else starts_at is not null and ends_at is not null and ends_at >= starts_at end`,
    )
    .addCheckConstraint(
      'events_series_end',
      sql`series_ends_at is null or (cardinality(recurrence) > 0 and series_ends_at >= ends_at)`,
    )
    .addCheckConstraint('events_recurrence_lines', sql`array_position(recurrence, null) is null`)
    .addCheckConstraint('events_revision_positive', sql`revision >= 1`)
    .execute();
  // The window query (event-window.ts). A whole tenant: single events of at most a day are found
  // by their start in [from - 1 day, to) on the first index, everything longer (series included)
  // on the partial second one by window_end > from; so neither reads the tenant's history. One
  // user: their own events on the third index, the ones they are invited to through
  // event_invites_tenant_invitee. The '1 day' must match LONG_EVENT in event-window.ts.
  await tenantIndex(db, 'events', ['starts_at', 'id']);
  await sql`create index events_tenant_long on events (tenant_id, window_end, starts_at)
    where cardinality(recurrence) > 0 or ends_at - starts_at > interval '1 day'`.execute(db);
  await tenantIndex(db, 'events', ['created_by', 'window_end', 'starts_at']);

  await db.schema
    .createTable('event_exceptions')
    .$call(tenantColumn)
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('instance_start', 'timestamptz', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('is_all_day', 'boolean')
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(1))
    .$call(timestamps)
    .addPrimaryKeyConstraint('event_exceptions_pkey', ['event_id', 'instance_start'])
    .$call(references('event_exceptions_event_fkey', 'event_id', 'events', 'cascade'))
    .addCheckConstraint('event_exceptions_kind_values', sql`kind in ('modified', 'cancelled')`)
    .addCheckConstraint(
      'event_exceptions_cancelled_bare',
      sql`kind = 'modified' or (title is null and description is null and starts_at is null
            and ends_at is null and is_all_day is null)`,
    )
    // A moved occurrence has both ends, so the window query can find it where it went.
    .addCheckConstraint(
      'event_exceptions_times',
      sql`(starts_at is null) = (ends_at is null) and (ends_at is null or ends_at >= starts_at)`,
    )
    .addCheckConstraint('event_exceptions_title_length', sql`char_length(title) <= 255`)
    .addCheckConstraint('event_exceptions_description_length', sql`char_length(description) <= 10000`)
    .execute();
  await sql`create index event_exceptions_tenant_moved on event_exceptions (tenant_id, ends_at, starts_at)
    where starts_at is not null`.execute(db);
}

async function createInvitesLinksAndDialIn(db: Kysely<unknown>): Promise<void> {
  await tenantTable(db, 'event_invites')
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('invitee_user_id', 'uuid')
    .addColumn('email', 'text')
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('created_by', 'uuid', (col) => col.notNull())
    .$call(timestamps)
    .addUniqueConstraint('event_invites_event_invitee_key', ['event_id', 'invitee_user_id'])
    .$call(references('event_invites_event_fkey', 'event_id', 'events', 'cascade'))
    .$call(references('event_invites_invitee_fkey', 'invitee_user_id', 'users', 'cascade'))
    .$call(references('event_invites_creator_fkey', 'created_by', 'users'))
    .addCheckConstraint('event_invites_one_invitee', sql`(invitee_user_id is null) <> (email is null)`)
    .addCheckConstraint('event_invites_role_values', sql`role in ('user', 'moderator', 'guest')`)
    .addCheckConstraint(
      'event_invites_status_values',
      sql`status in ('pending', 'accepted', 'tentative', 'declined')`,
    )
    .execute();
  await sql`create unique index event_invites_event_email_key on event_invites (event_id, lower(email))`.execute(
    db,
  );
  await sql`create index event_invites_tenant_invitee on event_invites (tenant_id, invitee_user_id, event_id)
    where invitee_user_id is not null`.execute(db);

  await db.schema
    .createTable('guest_links')
    .addColumn('code', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .$call(tenantColumn)
    .addColumn('room_id', 'uuid', (col) => col.notNull())
    .addColumn('created_by', 'uuid', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .$call(timestamps)
    .$call(references('guest_links_room_fkey', 'room_id', 'rooms', 'cascade'))
    .$call(references('guest_links_creator_fkey', 'created_by', 'users'))
    .execute();
  await tenantIndex(db, 'guest_links', ['room_id']);

  await db.schema
    .createTable('dial_in')
    .addColumn('room_id', 'uuid', (col) => col.primaryKey())
    .$call(tenantColumn)
    // Unique across tenants: a caller dials one number and types only this id.
    .addColumn('conference_id', 'text', (col) => col.notNull().unique())
    .addColumn('pin', 'text', (col) => col.notNull())
    .addColumn('lobby', 'boolean', (col) => col.notNull().defaultTo(false))
    .$call(timestamps)
    .$call(references('dial_in_room_fkey', 'room_id', 'rooms', 'cascade'))
    .addCheckConstraint('dial_in_conference_id_format', sql`conference_id ~ '^[0-9]{10}$'`)
    .addCheckConstraint('dial_in_pin_format', sql`pin ~ '^[0-9]{4,12}$'`)
    .execute();
}

async function createOutboxAndFeeds(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .$call(tenantColumn)
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('aggregate_id', 'uuid', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('dispatched_at', 'timestamptz')
    .execute();
  await sql`create index outbox_pending on outbox (id) where dispatched_at is null`.execute(db);

  await db.schema
    .createTable('calendar_feed_tokens')
    .addColumn('user_id', 'uuid', (col) => col.primaryKey())
    .$call(tenantColumn)
    // SHA-256 of the secret in the feed URL; the secret itself is never stored.
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .$call(references('calendar_feed_tokens_user_fkey', 'user_id', 'users', 'cascade'))
    .addCheckConstraint('calendar_feed_tokens_hash_format', sql`token_hash ~ '^[0-9a-f]{64}$'`)
    .execute();
}

type Table = CreateTableBuilder<string, string>;

function tenantColumn(table: Table): Table {
  return table.addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id'));
}

function tenantTable(db: Kysely<unknown>, name: string): Table {
  return db.schema
    .createTable(name)
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .$call(tenantColumn);
}

function timestamps(table: Table): Table {
  return table
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`));
}

/** A reference to a row of the same tenant (see the file comment). */
function references(
  name: string,
  column: string,
  parent: string,
  onDelete: 'cascade' | 'no action' = 'no action',
): (table: Table) => Table {
  return (table) =>
    table.addForeignKeyConstraint(name, ['tenant_id', column], parent, ['tenant_id', 'id'], (fk) =>
      fk.onDelete(onDelete),
    );
}

async function tenantIndex(db: Kysely<unknown>, table: string, columns: string[]): Promise<void> {
  await db.schema
    .createIndex(`${table}_tenant_${columns.join('_')}`)
    .on(table)
    .columns(['tenant_id', ...columns])
    .execute();
}
