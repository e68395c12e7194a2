/**
 * 0003: records that other modules lean on: the audit chain, the data keys of personal-data
 * protection, the population registry (人口库) and the card-use records (用卡数据).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Append-only: an entry is never changed (its hash would break), so no updated_at.
  await sql`
    create table audit_log (
      seq bigint primary key check (seq > 0),
      occurred_at timestamptz not null,
      actor_kind text not null,
      actor_id text not null,
      action text not null,
      subject_kind text,
      subject_id text,
      details jsonb,
      request_id text,
      prev_hash text not null,
      hash text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index audit_log_action_time on audit_log (action, occurred_at)`.execute(db);
  await sql`create index audit_log_subject on audit_log (subject_kind, subject_id)`.execute(db);
  await sql`create index audit_log_time on audit_log (occurred_at)`.execute(db);

  // Data keys of personal-data protection, wrapped by the cipher machine; one active per purpose.
  await sql`
    create table data_keys (
      id integer primary key generated always as identity,
      purpose text not null,
      version integer not null,
      wrapped_key text not null,
      active boolean not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (purpose, version)
    )`.execute(db);
  await sql`create unique index data_keys_one_active on data_keys (purpose) where active`.execute(db);

  // 人口库: the ID number and the address are encrypted; the blind index finds a person.
  await sql`
    create table population_registry (
      id bigint primary key generated always as identity,
      id_type text not null,
      id_no_index text not null,
      id_no_enc text not null,
      name text not null,
      gender text not null,
      birthday date not null,
      nation text,
      address_enc text,
      region text,
      deceased_on date,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id_type, id_no_index)
    )`.execute(db);

  // Append-only and the largest table: partitioned by month of used_at (partitions are created
  // on demand by the recorder); a use is never changed, so no updated_at.
  await sql`
    create table card_use (
      card_id uuid not null,
      ehc_id text not null,
      org_code text not null,
      terminal_code text not null,
      scene_code text not null,
      channel_code text not null,
      department_code text,
      cost_type text,
      used_at timestamptz not null,
      app_id text,
      source text not null check (source in ('verify', 'report')),
      created_at timestamptz not null default now(),
      primary key (card_id, terminal_code, scene_code, used_at)
    ) partition by range (used_at)`.execute(db);
  await sql`create index card_use_used_at on card_use (used_at)`.execute(db);
  await sql`create index card_use_org_time on card_use (org_code, used_at)`.execute(db);
}
