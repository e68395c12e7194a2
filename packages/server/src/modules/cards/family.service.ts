/**
 * Family (家庭成员, A5): a resident account links family members' cards with a relation and a
 * guardian flag, up to EHC_FAMILY_MAX_MEMBERS members besides the owner. The guardian of a minor
 * may register the minor and show the minor's code. The account is minimal (an id and the owner's
 * card) until the resident portal exists; apps call it on the resident's behalf with the
 * `register` scope (changes) or the `query` scope (reads, codes).
 */
import type { Kysely } from 'kysely';
import type { CardsConfig } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { AuditActor, AuditLog } from '../audit/audit.types.js';
import type { FamilyRelation } from './card-extensions.tables.js';
import * as cardsRepo from './cards.repository.js';
import type { CardActor, CardsService, CardView, RegisterCardInput } from './cards.service.js';
import * as repo from './family.repository.js';

export const FAMILY_RELATIONS: readonly FamilyRelation[] = ['parent', 'child', 'spouse', 'other'];

export interface FamilyMemberView {
  ehcId: string;
  name: string | null;
  kind: string;
  status: string;
  relation: FamilyRelation;
  /** True when the account's owner is this member's guardian (may register them, show their code). */
  guardian: boolean;
}

export interface ResidentAccountView {
  accountId: string;
  ownerEhcId: string;
  maxMembers: number;
  members: FamilyMemberView[];
}

export interface FamilyServiceDeps {
  db: Kysely<Database>;
  cards: CardsService;
  audit: AuditLog;
  config: CardsConfig;
  now?: () => Date;
}

export function createFamilyService(deps: FamilyServiceDeps) {
  const { db, cards, audit, config } = deps;
  const now = deps.now ?? (() => new Date());
  const auditActor = (actor: CardActor): AuditActor =>
    actor.kind === 'app' ? { kind: 'app', id: actor.appId } : { kind: 'operator', id: actor.id };

  async function loadAccount(accountId: string) {
    const account = UUID.test(accountId) ? await repo.findAccountById(db, accountId) : undefined;
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND');
    return account;
  }

  /** A card by EHC ID (or an alias of it). */
  async function loadCard(ehcId: string) {
    const presented = ehcId.toUpperCase();
    const row =
      (await cardsRepo.findCardWithResidentByEhcId(db, presented)) ??
      (await cardsRepo
        .findCardIdByAlias(db, presented)
        .then((alias) => alias && cardsRepo.findCardWithResidentByEhcId(db, alias.ehc_id)));
    if (!row) throw new AppError('CARD_NOT_FOUND');
    return row;
  }

  async function view(accountId: string): Promise<ResidentAccountView> {
    const account = await loadAccount(accountId);
    const members = await repo.listMembers(db, accountId);
    return {
      accountId: account.id,
      ownerEhcId: account.owner_ehc_id,
      maxMembers: config.familyMaxMembers,
      members: members.map((member) => ({
        ehcId: member.ehc_id,
        name: member.name,
        kind: member.kind,
        status: member.status,
        relation: member.relation,
        guardian: member.guardian,
      })),
    };
  }

  /** Links a card inside one transaction that holds the account's lock (the limit stays true). */
  async function link(
    actor: CardActor,
    accountId: string,
    card: { card_id: string; ehc_id: string },
    relation: FamilyRelation,
    guardian: boolean,
  ) {
    await db.transaction().execute(async (trx) => {
      await repo.lockAccount(trx, accountId);
      if (await repo.findMember(trx, accountId, card.card_id)) throw new AppError('FAMILY_MEMBER_EXISTS');
      if ((await repo.countMembers(trx, accountId)) >= config.familyMaxMembers) {
        throw new AppError('FAMILY_LIMIT_REACHED', undefined, { maxMembers: config.familyMaxMembers });
      }
      await repo.insertMember(trx, { account_id: accountId, card_id: card.card_id, relation, guardian });
      await audit.append(trx, {
        actor: auditActor(actor),
        action: 'account.member.add',
        subject: { kind: 'account', id: accountId },
        details: { card: card.ehc_id, relation, guardian },
      });
    });
  }

  function checkRelation(relation: string): asserts relation is FamilyRelation {
    if (!(FAMILY_RELATIONS as readonly string[]).includes(relation))
      throw new AppError('FAMILY_RELATION_INVALID', undefined, { field: 'relation' });
  }

  return {
    /** Opens the resident account of a card's holder, or returns the one they have. */
    async openAccount(
      actor: CardActor,
      ownerEhcId: string,
    ): Promise<{ account: ResidentAccountView; created: boolean }> {
      const owner = await loadCard(ownerEhcId);
      if (owner.kind === 'temporary')
        throw new AppError('CARD_KIND_UNSUPPORTED', 'a temporary card cannot own an account');
      if (owner.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      if (owner.status === 'frozen') throw new AppError('CARD_FROZEN');
      const existing = await repo.findAccountByOwner(db, owner.card_id);
      if (existing) return { account: await view(existing.id), created: false };
      const created = await db.transaction().execute(async (trx) => {
        const inserted = await repo.insertAccount(trx, owner.card_id);
        if (!inserted) return undefined;
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'account.open',
          subject: { kind: 'account', id: inserted.id },
          details: { owner: owner.ehc_id },
        });
        return inserted.id;
      });
      // A concurrent open won the unique owner: return its account.
      const id = created ?? (await repo.findAccountByOwner(db, owner.card_id))?.id;
      if (!id) throw new AppError('ACCOUNT_NOT_FOUND');
      return { account: await view(id), created: created !== undefined };
    },

    async getAccount(actor: CardActor, accountId: string): Promise<ResidentAccountView> {
      const account = await view(accountId);
      await audit.append(db, {
        actor: auditActor(actor),
        action: 'account.read',
        subject: { kind: 'account', id: accountId },
      });
      return account;
    },

    /** Links a family member's existing card. A guardian link needs a minor member. */
    async addMember(
      actor: CardActor,
      accountId: string,
      input: { ehcId: string; relation: string; guardian: boolean },
    ): Promise<ResidentAccountView> {
      checkRelation(input.relation);
      const account = await loadAccount(accountId);
      const card = await loadCard(input.ehcId);
      if (card.card_id === account.owner_card_id) throw new AppError('FAMILY_MEMBER_EXISTS');
      if (card.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      if (input.guardian && !isMinor(card.birthday, now())) throw new AppError('FAMILY_NOT_MINOR');
      await link(actor, accountId, card, input.relation, input.guardian);
      return view(accountId);
    },

    async removeMember(actor: CardActor, accountId: string, ehcId: string): Promise<ResidentAccountView> {
      await loadAccount(accountId);
      const card = await loadCard(ehcId);
      if (!(await repo.findMember(db, accountId, card.card_id)))
        throw new AppError('FAMILY_MEMBER_NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await repo.deleteMember(trx, accountId, card.card_id);
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'account.member.remove',
          subject: { kind: 'account', id: accountId },
          details: { card: card.ehc_id },
        });
      });
      return view(accountId);
    },

    /**
     * The guardian registers a minor (real-name rules as for any registration) and the minor's card
     * is linked with the guardian flag. A minor who already has a card gets that card linked.
     */
    async registerMinor(
      actor: CardActor,
      accountId: string,
      input: RegisterCardInput & { relation?: string | undefined },
    ): Promise<{ card: CardView; created: boolean; account: ResidentAccountView }> {
      const relation = input.relation ?? 'child';
      checkRelation(relation);
      await loadAccount(accountId);
      if (!isMinor(input.birthday, now())) throw new AppError('FAMILY_NOT_MINOR');
      if ((await repo.countMembers(db, accountId)) >= config.familyMaxMembers) {
        throw new AppError('FAMILY_LIMIT_REACHED', undefined, { maxMembers: config.familyMaxMembers });
      }
      const { relation: _relation, ...registration } = input;
      const { card, created } = await cards.registerCard(actor, registration);
      const row = await loadCard(card.ehcId);
      if (!(await repo.findMember(db, accountId, row.card_id))) {
        await link(actor, accountId, row, relation, true);
      }
      return { card, created, account: await view(accountId) };
    },

    /** The code of a family member whose guardian the owner is (static or dynamic, as for any card). */
    async memberCode(
      actor: CardActor,
      accountId: string,
      ehcId: string,
      options: { type: 'static' | 'dynamic'; signed?: boolean },
    ): Promise<{ text: string; expiresAt: string | null }> {
      await loadAccount(accountId);
      const card = await loadCard(ehcId);
      const member = await repo.findMember(db, accountId, card.card_id);
      if (!member) throw new AppError('FAMILY_MEMBER_NOT_FOUND');
      if (!member.guardian) throw new AppError('FAMILY_NOT_GUARDIAN');
      return cards.generateCode(actor, card.ehc_id, options);
    },
  };
}

export type FamilyService = ReturnType<typeof createFamilyService>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Under 18 on today's date in China Standard Time; an unknown birthday is not a minor. */
export function isMinor(birthday: string | Date | null, today: Date): boolean {
  if (birthday === null) return false;
  const text = typeof birthday === 'string' ? birthday.slice(0, 10) : birthday.toISOString().slice(0, 10);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const adultOn = `${Number(match[1]) + 18}-${match[2]}-${match[3]}`;
  const todayText = new Date(today.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return todayText < adultOn;
}
