/** 0004: residents, cards, registration idempotency and card history. */
import { type Kysely, sql } from 'kysely';

const timestamps = sql`created_at timestamptz not null default now(), updated_at timestamptz not null default now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table residents (
      id uuid primary key default gen_random_uuid(),
      master_index text not null unique,
      id_type text not null,
      id_no_enc text not null,
      id_no_index text not null,
      name text not null,
      gender text not null,
      birthday date not null,
      nation text,
      nationality text,
      phone_enc text,
      phone_index text,
      address_enc text,
      marital_status text,
      ${timestamps},
      unique (id_type, id_no_index)
    )`.execute(db);
  await sql`create index residents_phone_index on residents (phone_index) where phone_index is not null`.execute(
    db,
  );

  await sql`
    create table cards (
      id uuid primary key default gen_random_uuid(),
      resident_id uuid not null references residents (id),
      ehc_id text not null unique,
      kind text not null check (kind in ('formal', 'newborn', 'temporary')),
      status text not null check (status in ('active', 'frozen', 'cancelled')),
      verification_level text not null,
      below_default_level boolean not null default false,
      channel text not null,
      issued_by_app text,
      cancel_reason text,
      cancelled_at timestamptz,
      ${timestamps}
    )`.execute(db);
  // One person, one card: at most one card per resident that is not cancelled.
  await sql`create unique index cards_one_live_per_resident on cards (resident_id) where status <> 'cancelled'`.execute(
    db,
  );

  await sql`
    create table card_registrations (
      app_id text not null,
      register_no text not null,
      card_id uuid not null references cards (id),
      ${timestamps},
      primary key (app_id, register_no)
    )`.execute(db);

  await sql`
    create table card_events (
      id bigint generated always as identity primary key,
      card_id uuid not null references cards (id),
      event text not null,
      actor text not null,
      reason text,
      changes jsonb,
      ${timestamps}
    )`.execute(db);
  await sql`create index card_events_card on card_events (card_id, id)`.execute(db);
}
