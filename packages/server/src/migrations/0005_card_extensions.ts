/**
 * 0005: newborn cards (A3) with their guardian link, EHC ID aliases kept after an upgrade,
 * temporary cards (A4) with expiry and merge, resident accounts and family links (A5).
 * A temporary card's holder may be unknown, so a resident's name and birthday become optional.
 */
import { type Kysely, sql } from 'kysely';

const timestamps = sql`created_at timestamptz not null default now(), updated_at timestamptz not null default now()`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table residents alter column name drop not null`.execute(db);
  await sql`alter table residents alter column birthday drop not null`.execute(db);

  // An EHC ID a card was known by before (e.g. before a newborn's upgrade): it keeps resolving.
  await sql`
    create table card_aliases (
      ehc_id text primary key,
      card_id uuid not null references cards (id),
      reason text not null,
      ${timestamps}
    )`.execute(db);
  await sql`create index card_aliases_card on card_aliases (card_id)`.execute(db);

  await sql`
    create table newborn_cards (
      card_id uuid primary key references cards (id),
      guardian_card_id uuid references cards (id),
      guardian_id_type text not null,
      guardian_id_no_enc text not null,
      guardian_id_no_index text not null,
      guardian_name text not null,
      guardian_relation text not null check (guardian_relation in ('mother', 'father', 'other')),
      birth_time timestamptz not null,
      parity integer not null check (parity between 1 and 20),
      birth_order integer not null check (birth_order between 1 and 10),
      provisional_name boolean not null,
      upgraded_at timestamptz,
      ${timestamps}
    )`.execute(db);
  await sql`create index newborn_cards_guardian on newborn_cards (guardian_id_type, guardian_id_no_index)`.execute(
    db,
  );

  await sql`
    create table temporary_cards (
      card_id uuid primary key references cards (id),
      expires_at timestamptz not null,
      merged_into_card_id uuid references cards (id),
      merged_at timestamptz,
      ${timestamps}
    )`.execute(db);

  await sql`
    create table resident_accounts (
      id uuid primary key default gen_random_uuid(),
      owner_card_id uuid not null unique references cards (id),
      ${timestamps}
    )`.execute(db);

  await sql`
    create table family_members (
      account_id uuid not null references resident_accounts (id),
      card_id uuid not null references cards (id),
      relation text not null check (relation in ('parent', 'child', 'spouse', 'other')),
      guardian boolean not null default false,
      ${timestamps},
      primary key (account_id, card_id)
    )`.execute(db);
}
