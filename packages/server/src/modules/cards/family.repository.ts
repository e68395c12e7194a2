/** Kysely access to resident accounts and their family links. Rows or undefined; no rules. */
import type { DbExecutor } from '../audit/audit.types.js';
import type { FamilyRelation } from './card-extensions.tables.js';

export function findAccountById(db: DbExecutor, accountId: string) {
  return db
    .selectFrom('resident_accounts')
    .innerJoin('cards', 'cards.id', 'resident_accounts.owner_card_id')
    .select(['resident_accounts.id', 'resident_accounts.owner_card_id', 'cards.ehc_id as owner_ehc_id'])
    .where('resident_accounts.id', '=', accountId)
    .executeTakeFirst();
}

/** Locks the account row until the transaction ends, so the member limit holds under concurrency. */
export function lockAccount(db: DbExecutor, accountId: string) {
  return db
    .selectFrom('resident_accounts')
    .select('id')
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
}

export function findAccountByOwner(db: DbExecutor, ownerCardId: string) {
  return db
    .selectFrom('resident_accounts')
    .select('id')
    .where('owner_card_id', '=', ownerCardId)
    .executeTakeFirst();
}

export function insertAccount(db: DbExecutor, ownerCardId: string) {
  return db
    .insertInto('resident_accounts')
    .values({ owner_card_id: ownerCardId })
    .onConflict((conflict) => conflict.column('owner_card_id').doNothing())
    .returning('id')
    .executeTakeFirst();
}

export function listMembers(db: DbExecutor, accountId: string) {
  return db
    .selectFrom('family_members')
    .innerJoin('cards', 'cards.id', 'family_members.card_id')
    .innerJoin('residents', 'residents.id', 'cards.resident_id')
    .select([
      'family_members.card_id',
      'cards.ehc_id',
      'cards.kind',
      'cards.status',
      'residents.name',
      'family_members.relation',
      'family_members.guardian',
    ])
    .where('family_members.account_id', '=', accountId)
    .orderBy('family_members.created_at')
    .orderBy('cards.ehc_id')
    .execute();
}

export async function countMembers(db: DbExecutor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('family_members')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function findMember(db: DbExecutor, accountId: string, cardId: string) {
  return db
    .selectFrom('family_members')
    .select(['relation', 'guardian'])
    .where('account_id', '=', accountId)
    .where('card_id', '=', cardId)
    .executeTakeFirst();
}

export async function insertMember(
  db: DbExecutor,
  row: { account_id: string; card_id: string; relation: FamilyRelation; guardian: boolean },
) {
  await db.insertInto('family_members').values(row).execute();
}

export async function deleteMember(db: DbExecutor, accountId: string, cardId: string) {
  await db
    .deleteFrom('family_members')
    .where('account_id', '=', accountId)
    .where('card_id', '=', cardId)
    .execute();
}
