/** Kysely access to residents, cards, registrations and card history. Rows or undefined; no rules. */
import { type Insertable, sql, type Updateable } from 'kysely';
import type { DbExecutor } from '../audit/audit.types.js';
import type { CardAliasTable, NewbornCardTable, TemporaryCardTable } from './card-extensions.tables.js';
import type { CardEventTable, CardStatus, CardTable, ResidentTable } from './cards.tables.js';

export function findResidentByIdIndex(db: DbExecutor, idType: string, idNoIndex: string) {
  return db
    .selectFrom('residents')
    .selectAll()
    .where('id_type', '=', idType)
    .where('id_no_index', '=', idNoIndex)
    .executeTakeFirst();
}

export function findLiveCardOfResident(db: DbExecutor, residentId: string) {
  return db
    .selectFrom('cards')
    .selectAll()
    .where('resident_id', '=', residentId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
}

/** A card with its holder, by EHC ID. */
export function findCardWithResidentByEhcId(db: DbExecutor, ehcId: string) {
  return db
    .selectFrom('cards')
    .innerJoin('residents', 'residents.id', 'cards.resident_id')
    .select([
      'cards.id as card_id',
      'cards.ehc_id',
      'cards.kind',
      'cards.status',
      'cards.verification_level',
      'cards.below_default_level',
      'cards.channel',
      'cards.created_at as issued_at',
      'residents.id as resident_id',
      'residents.master_index',
      'residents.id_type',
      'residents.id_no_enc',
      'residents.name',
      'residents.gender',
      'residents.birthday',
      'residents.nation',
      'residents.nationality',
      'residents.phone_enc',
      'residents.address_enc',
      'residents.marital_status',
    ])
    .where('cards.ehc_id', '=', ehcId)
    .executeTakeFirst();
}

export type CardWithResidentRow = NonNullable<Awaited<ReturnType<typeof findCardWithResidentByEhcId>>>;

export function findRegistration(db: DbExecutor, appId: string, registerNo: string) {
  return db
    .selectFrom('card_registrations')
    .innerJoin('cards', 'cards.id', 'card_registrations.card_id')
    .select(['cards.ehc_id'])
    .where('card_registrations.app_id', '=', appId)
    .where('card_registrations.register_no', '=', registerNo)
    .executeTakeFirst();
}

export async function insertRegistration(db: DbExecutor, appId: string, registerNo: string, cardId: string) {
  await db
    .insertInto('card_registrations')
    .values({ app_id: appId, register_no: registerNo, card_id: cardId })
    .onConflict((conflict) => conflict.columns(['app_id', 'register_no']).doNothing())
    .execute();
}

export function insertResident(db: DbExecutor, row: Insertable<ResidentTable>) {
  return db.insertInto('residents').values(row).returning('id').executeTakeFirstOrThrow();
}

export function insertCard(db: DbExecutor, row: Insertable<CardTable>) {
  return db.insertInto('cards').values(row).returning(['id', 'ehc_id']).executeTakeFirstOrThrow();
}

export async function insertCardEvent(db: DbExecutor, row: Insertable<CardEventTable>) {
  await db
    .insertInto('card_events')
    .values({ ...row, changes: row.changes === undefined ? null : JSON.stringify(row.changes) })
    .execute();
}

export async function updateCardStatus(
  db: DbExecutor,
  cardId: string,
  status: CardStatus,
  extra: Pick<Updateable<CardTable>, 'cancel_reason' | 'cancelled_at'> = {},
) {
  await db
    .updateTable('cards')
    .set({ status, ...extra, updated_at: new Date() })
    .where('id', '=', cardId)
    .execute();
}

export async function updateResident(db: DbExecutor, residentId: string, changes: Updateable<ResidentTable>) {
  await db
    .updateTable('residents')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', residentId)
    .execute();
}

export function listCardEvents(db: DbExecutor, cardId: string) {
  return db
    .selectFrom('card_events')
    .select(['event', 'actor', 'reason', 'changes', 'created_at'])
    .where('card_id', '=', cardId)
    .orderBy('id')
    .execute();
}

/**
 * Records a date of death in the population registry. `missing` when the registry does not know
 * the person; `unchanged` when it already holds this date.
 */
export async function markDeceasedInRegistry(
  db: DbExecutor,
  idType: string,
  idNoIndex: string,
  deceasedOn: string,
): Promise<'marked' | 'unchanged' | 'missing'> {
  const updated = await db
    .updateTable('population_registry')
    .set({ deceased_on: deceasedOn, updated_at: sql`now()` })
    .where('id_type', '=', idType)
    .where('id_no_index', '=', idNoIndex)
    .where(sql<boolean>`deceased_on is distinct from ${deceasedOn}::date`)
    .returning('id')
    .executeTakeFirst();
  if (updated) return 'marked';
  const known = await db
    .selectFrom('population_registry')
    .select('id')
    .where('id_type', '=', idType)
    .where('id_no_index', '=', idNoIndex)
    .executeTakeFirst();
  return known ? 'unchanged' : 'missing';
}

/** The card an older EHC ID (an alias) now resolves to. */
export function findCardIdByAlias(db: DbExecutor, ehcId: string) {
  return db
    .selectFrom('card_aliases')
    .innerJoin('cards', 'cards.id', 'card_aliases.card_id')
    .select(['cards.ehc_id', 'card_aliases.reason'])
    .where('card_aliases.ehc_id', '=', ehcId)
    .executeTakeFirst();
}

/** Cards by older EHC IDs: each alias with the card's id and current EHC ID. */
export function findCardsByAliases(db: DbExecutor, ehcIds: readonly string[]) {
  return db
    .selectFrom('card_aliases')
    .innerJoin('cards', 'cards.id', 'card_aliases.card_id')
    .select(['card_aliases.ehc_id as alias', 'cards.id as card_id', 'cards.ehc_id'])
    .where('card_aliases.ehc_id', 'in', ehcIds)
    .execute();
}

export async function insertCardAlias(db: DbExecutor, row: Insertable<CardAliasTable>) {
  await db.insertInto('card_aliases').values(row).execute();
}

export async function updateCard(
  db: DbExecutor,
  cardId: string,
  changes: Pick<Updateable<CardTable>, 'ehc_id' | 'kind' | 'verification_level'>,
) {
  await db
    .updateTable('cards')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', cardId)
    .execute();
}

export async function insertNewbornCard(db: DbExecutor, row: Insertable<NewbornCardTable>) {
  await db.insertInto('newborn_cards').values(row).execute();
}

export function findNewbornCard(db: DbExecutor, cardId: string) {
  return db
    .selectFrom('newborn_cards')
    .leftJoin('cards as guardian', 'guardian.id', 'newborn_cards.guardian_card_id')
    .select([
      'newborn_cards.guardian_id_type',
      'newborn_cards.guardian_id_no_enc',
      'newborn_cards.guardian_name',
      'newborn_cards.guardian_relation',
      'guardian.ehc_id as guardian_ehc_id',
      'newborn_cards.birth_time',
      'newborn_cards.parity',
      'newborn_cards.birth_order',
      'newborn_cards.provisional_name',
      'newborn_cards.upgraded_at',
    ])
    .where('newborn_cards.card_id', '=', cardId)
    .executeTakeFirst();
}

export async function markNewbornUpgraded(db: DbExecutor, cardId: string, at: Date) {
  await db
    .updateTable('newborn_cards')
    .set({ upgraded_at: at, provisional_name: false, updated_at: new Date() })
    .where('card_id', '=', cardId)
    .execute();
}

/** A temporary card with its holder, by the random master index of its `:9` code. */
export function findTemporaryCardByMasterIndex(db: DbExecutor, masterIndex: string) {
  return db
    .selectFrom('residents')
    .innerJoin('cards', 'cards.resident_id', 'residents.id')
    .select('cards.ehc_id')
    .where('residents.master_index', '=', masterIndex)
    .where('cards.kind', '=', 'temporary')
    .executeTakeFirst();
}

export function masterIndexExists(db: DbExecutor, masterIndex: string) {
  return db.selectFrom('residents').select('id').where('master_index', '=', masterIndex).executeTakeFirst();
}

export async function insertTemporaryCard(db: DbExecutor, row: Insertable<TemporaryCardTable>) {
  await db.insertInto('temporary_cards').values(row).execute();
}

export function findTemporaryCard(db: DbExecutor, cardId: string) {
  return db
    .selectFrom('temporary_cards')
    .leftJoin('cards as formal', 'formal.id', 'temporary_cards.merged_into_card_id')
    .select([
      'temporary_cards.expires_at',
      'temporary_cards.merged_at',
      'formal.ehc_id as merged_into_ehc_id',
    ])
    .where('temporary_cards.card_id', '=', cardId)
    .executeTakeFirst();
}

export async function markTemporaryMerged(db: DbExecutor, cardId: string, intoCardId: string, at: Date) {
  await db
    .updateTable('temporary_cards')
    .set({ merged_into_card_id: intoCardId, merged_at: at, updated_at: new Date() })
    .where('card_id', '=', cardId)
    .execute();
}

/**
 * Moves every card-use record of one card to another (same use times, so the same monthly
 * partitions). A record the target already has (same terminal, scene and time) is dropped.
 */
export async function moveCardUses(
  db: DbExecutor,
  fromCardId: string,
  toCardId: string,
  toEhcId: string,
): Promise<{ moved: number; duplicates: number }> {
  const result = await sql<{ removed: string; inserted: string }>`
    with removed as (
      delete from card_use where card_id = ${fromCardId}::uuid returning *
    ), inserted as (
      insert into card_use (card_id, ehc_id, org_code, terminal_code, scene_code, channel_code,
                            department_code, cost_type, used_at, app_id, source, created_at)
      select ${toCardId}::uuid, ${toEhcId}, org_code, terminal_code, scene_code, channel_code,
             department_code, cost_type, used_at, app_id, source, created_at
      from removed
      on conflict do nothing
      returning 1
    )
    select (select count(*) from removed)::text as removed, (select count(*) from inserted)::text as inserted
  `.execute(db);
  const row = result.rows[0];
  const removed = Number(row?.removed ?? 0);
  const inserted = Number(row?.inserted ?? 0);
  return { moved: inserted, duplicates: removed - inserted };
}
