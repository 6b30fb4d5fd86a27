import { type Kysely, sql } from 'kysely';

/**
 * The mini-program channel: its users' identities and messages (`miniprogram`), its reply route (`mp`) and card
 * format (`mpcard`), and the reply window each user's action opens (5 replies within 48 h of a message, 2 within a minute of entering).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table channel_identities drop constraint channel_identities_channel_check`.execute(db);
  await sql`alter table channel_identities add constraint channel_identities_channel_check
    check (channel in ('wecom','kf','sandbox','miniprogram'))`.execute(db);
  await sql`alter table inbound_messages drop constraint inbound_messages_channel_check`.execute(db);
  await sql`alter table inbound_messages add constraint inbound_messages_channel_check
    check (channel in ('wecom','kf','sandbox','miniprogram'))`.execute(db);
  await sql`alter table outbox drop constraint outbox_route_check`.execute(db);
  await sql`alter table outbox add constraint outbox_route_check
    check (route in ('wecom_app','wecom_appchat','wecom_webhook','kf','sandbox','followup','mp'))`.execute(db);
  // A mini-program card (opening the order or statement page) is its own outbox format.
  await sql`alter table outbox drop constraint outbox_format_check`.execute(db);
  await sql`alter table outbox add constraint outbox_format_check
    check (format in ('text','markdown','mpcard'))`.execute(db);
  await sql`
    create table mp_sessions (
      openid text primary key,
      -- Replies still allowed, until window_until.
      quota_left integer not null check (quota_left >= 0),
      window_until timestamptz not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table mp_sessions`.execute(db);
  await sql`delete from outbox where route = 'mp'`.execute(db);
  await sql`alter table outbox drop constraint outbox_format_check`.execute(db);
  await sql`alter table outbox add constraint outbox_format_check check (format in ('text','markdown'))`.execute(db);
  await sql`alter table outbox drop constraint outbox_route_check`.execute(db);
  await sql`alter table outbox add constraint outbox_route_check
    check (route in ('wecom_app','wecom_appchat','wecom_webhook','kf','sandbox','followup'))`.execute(db);
  await sql`delete from inbound_messages where channel = 'miniprogram'`.execute(db);
  await sql`alter table inbound_messages drop constraint inbound_messages_channel_check`.execute(db);
  await sql`alter table inbound_messages add constraint inbound_messages_channel_check
    check (channel in ('wecom','kf','sandbox'))`.execute(db);
  await sql`delete from channel_identities where channel = 'miniprogram'`.execute(db);
  await sql`alter table channel_identities drop constraint channel_identities_channel_check`.execute(db);
  await sql`alter table channel_identities add constraint channel_identities_channel_check
    check (channel in ('wecom','kf','sandbox'))`.execute(db);
}
