/**
 * The card-management core (卡管核心): real-name registration, one card per person, lifecycle,
 * QR codes and scan verification. Every rule and every access check lives here, with the actor
 * as the first argument; routes and the gateway only translate.
 */
import { randomBytes } from 'node:crypto';
import {
  asciiToBytes,
  bytesToHex,
  encodeQrText,
  hexToBytes,
  isValidIdTypeCode,
  parseQrText,
  type QrCode,
  QrFormatError,
  SCENE_CODES,
  sm2PreparePublicKey,
  validateResidentIdNumber,
  verifyQrSignature,
} from '@ehc/gm';
import type { Kysely } from 'kysely';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { CardsConfig } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { maskIdNumber, maskPhone } from '../../lib/mask.js';
import type { AuditActor, AuditLog, DbExecutor } from '../audit/audit.types.js';
import type {
  IdentityCheckResult,
  IdentityProvider,
  VerificationLevel,
} from '../identity/identity-provider.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { validateCardUse } from '../usage/usage.service.js';
import type { CardUseRecorder } from '../usage/usage.types.js';
import type { GuardianRelation } from './card-extensions.tables.js';
import * as repo from './cards.repository.js';
import type { CardKind, CardStatus } from './cards.tables.js';
import {
  type HolderInput,
  type TemporaryHolderInput,
  validateChannel,
  validateHolder,
  validateTemporaryHolder,
} from './holder-validation.js';
import { createVerificationRecorder } from './verification-recorder.js';

/** Who is asking. Institution apps with `verify` or `query` see full identities; others see masked ones. */
export type CardActor =
  | { kind: 'app'; appId: string; orgCode: string | null; scopes: readonly string[] }
  | { kind: 'operator'; id: string };

export interface RegisterCardInput extends HolderInput {
  /** The caller's serial number: the same one twice returns the same card. */
  registerNo?: string | undefined;
  /** Card channel (EHC-FORMATS §1), e.g. 0100 staffed counter. */
  channel: string;
}

export interface HolderView {
  idType: string;
  idNo: string;
  /** Null only for a temporary card whose holder gave no name. */
  name: string | null;
  gender: string;
  /** Null only for a temporary card whose holder's birth date is unknown. */
  birthday: string | null;
  nation: string | null;
  cellphone: string | null;
  address: string | null;
  /** True when identifiers are masked for this caller. */
  masked: boolean;
}

/** A card row, with the older EHC ID it was found by when that was an alias. */
type CardRow = repo.CardWithResidentRow & { presented_alias?: string };

export interface CardView {
  /** The card's current EHC ID. */
  ehcId: string;
  /** Set when the card was found by an older EHC ID (kept after a newborn's upgrade): that ID. */
  presentedAlias?: string;
  masterIndex: string;
  kind: CardKind;
  status: CardStatus;
  verificationLevel: string;
  issuedAt: string;
  holder: HolderView;
}

export interface VerifyCodeInput {
  code: string;
  sceneCode: string;
  terminalCode: string;
  channelCode: string;
  departmentCode?: string | undefined;
  costType?: string | undefined;
}

export interface ReportedCardUse {
  ehcId: string;
  sceneCode: string;
  terminalCode: string;
  channelCode: string;
  usedAt: Date;
  departmentCode?: string | undefined;
  costType?: string | undefined;
}

/** The placeholder document type of a temporary card's holder (99, other). */
const TEMPORARY_ID_TYPE = '99';
/** The cancel reason of a temporary card merged into a formal one. */
export const MERGED_REASON = 'merged';

/** 64 uppercase hex characters from the CSPRNG: a temporary card's master index. */
function randomMasterIndex(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}

/** ID document type of a newborn's birth medical certificate (出生医学证明), a local extension. */
export const NEWBORN_ID_TYPE = '111';
/** Placeholder names given before the child is named, e.g. 张某之子, 李某之女二. */
const PROVISIONAL_NAME = /某?之[子女]/u;

export type NewbornGuardianInput =
  | { ehcId: string }
  | { idType: string; idNo: string; name: string; gender: string; birthday: string };

export interface RegisterNewbornInput {
  registerNo?: string | undefined;
  channel: string;
  guardian: NewbornGuardianInput;
  guardianRelation: GuardianRelation;
  child: {
    /** May be provisional, e.g. 张某之子. */
    name: string;
    gender: string;
    /** ISO 8601 with a time zone. */
    birthTime: string;
    /** 出生医学证明 number (ID type 111). */
    birthCertificateNo: string;
    /** 胎次. */
    parity: number;
    /** Order within a multiple birth, 1 for a single birth. */
    birthOrder: number;
    /** Defaults to whether the name looks like a placeholder (之子, 之女). */
    provisionalName?: boolean | undefined;
    nation?: string | undefined;
    address?: string | undefined;
    cellphone?: string | undefined;
  };
}

export interface NewbornView {
  guardian: {
    /** The guardian's current card when they were verified by it. */
    ehcId: string | null;
    idType: string;
    /** Always masked. */
    idNo: string;
    name: string;
    relation: GuardianRelation;
  };
  birthTime: string;
  parity: number;
  birthOrder: number;
  provisionalName: boolean;
  upgradedAt: string | null;
}

/** A death reported by the civil registry: the person's ID document and the date of death. */
export interface DeathRecord {
  idType: string;
  idNo: string;
  /** yyyy-MM-dd */
  deceasedOn: string;
}

export interface DeathsOutcome {
  /** Registry rows newly marked deceased (or whose date of death changed). */
  marked: number;
  /** Registry rows that already recorded this date of death. */
  unchanged: number;
  /** People the population registry does not know (their card, if any, is still cancelled). */
  notInRegistry: number;
  cardsCancelled: number;
}

/** The cancel reason written on the card of a person reported dead. */
export const DECEASED_REASON = 'deceased';

export interface CardsServiceDeps {
  db: Kysely<Database>;
  cipher: CipherMachine;
  personalData: PersonalDataProtector;
  identity: IdentityProvider;
  audit: AuditLog;
  usage: CardUseRecorder;
  config: CardsConfig;
  now?: () => Date;
}

export function createCardsService(deps: CardsServiceDeps) {
  const { db, cipher, personalData, identity, audit, usage, config } = deps;
  const now = deps.now ?? (() => new Date());
  let nodeKey: ReturnType<typeof sm2PreparePublicKey> | undefined;
  const verifications = createVerificationRecorder(db, usage, audit);

  const auditActor = (actor: CardActor): AuditActor =>
    actor.kind === 'app' ? { kind: 'app', id: actor.appId } : { kind: 'operator', id: actor.id };

  const seesFullIdentity = (actor: CardActor) =>
    actor.kind === 'app' &&
    actor.orgCode !== null &&
    (actor.scopes.includes('verify') || actor.scopes.includes('query'));

  function toView(actor: CardActor, row: CardRow): CardView {
    const full = seesFullIdentity(actor);
    const idNo = personalData.decrypt('id_no', row.id_no_enc);
    const phone = row.phone_enc ? personalData.decrypt('phone', row.phone_enc) : null;
    const address = row.address_enc ? personalData.decrypt('address', row.address_enc) : null;
    return {
      ehcId: row.ehc_id,
      masterIndex: row.master_index,
      kind: row.kind,
      status: row.status,
      verificationLevel: row.verification_level,
      issuedAt: new Date(row.issued_at).toISOString(),
      holder: {
        idType: row.id_type,
        idNo: full ? idNo : maskIdNumber(idNo),
        name: row.name,
        gender: row.gender,
        birthday: row.birthday === null ? null : formatDate(row.birthday),
        nation: row.nation,
        cellphone: phone === null ? null : full ? phone : maskPhone(phone),
        address: address === null ? null : full ? address : maskAddress(address),
        masked: !full,
      },
      ...(row.presented_alias ? { presentedAlias: row.presented_alias } : {}),
    };
  }

  /** A card by its EHC ID or by an EHC ID it had before (an alias, kept after a newborn's upgrade). */
  async function resolveCard(executor: DbExecutor, ehcId: string): Promise<CardRow | undefined> {
    const presented = ehcId.toUpperCase();
    const row = await repo.findCardWithResidentByEhcId(executor, presented);
    if (row) return row;
    const alias = await repo.findCardIdByAlias(executor, presented);
    if (!alias) return undefined;
    const current = await repo.findCardWithResidentByEhcId(executor, alias.ehc_id);
    return current && { ...current, presented_alias: presented };
  }

  async function loadCard(executor: DbExecutor, ehcId: string): Promise<CardRow> {
    const row = await resolveCard(executor, ehcId);
    if (!row) throw new AppError('CARD_NOT_FOUND');
    return row;
  }

  /** Confirms the claimed identity, or says how far below the default level this channel may go. */
  async function confirmIdentity(
    input: RegisterCardInput,
  ): Promise<{ level: VerificationLevel; belowDefault: boolean }> {
    const result: IdentityCheckResult = await identity.check({
      idType: input.idType,
      idNo: input.idNo,
      name: input.name,
      gender: input.gender,
      birthday: input.birthday,
    });
    const lowered = config.loweredVerificationChannels.includes(input.channel);
    switch (result.outcome) {
      case 'confirmed':
        if (result.deceasedOn) throw new AppError('IDENTITY_DECEASED');
        return { level: result.level, belowDefault: false };
      case 'mismatch':
        throw new AppError('IDENTITY_MISMATCH', undefined, { fields: result.fields });
      case 'unknown':
        if (lowered) return { level: 'document', belowDefault: true };
        throw new AppError('IDENTITY_NOT_FOUND');
      case 'unavailable':
        if (lowered) return { level: 'document', belowDefault: true };
        throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE', undefined, { reason: result.reason });
    }
  }

  async function signedPayloadValid(code: QrCode): Promise<boolean> {
    if (code.kind === 'temporary' || code.signature === undefined || code.signedPayload === undefined)
      return true;
    if (code.node !== config.nodeCode) throw new AppError('QR_NODE_UNKNOWN', undefined, { node: code.node });
    nodeKey ??= sm2PreparePublicKey(hexToBytes((await cipher.nodePublicKey()).hex));
    return verifyQrSignature(nodeKey, code.signedPayload, code.signature);
  }

  async function readCard(actor: CardActor, ehcId: string): Promise<CardView> {
    const row = await loadCard(db, ehcId);
    await audit.append(db, {
      actor: auditActor(actor),
      action: 'card.read',
      subject: { kind: 'card', id: row.ehc_id },
    });
    return toView(actor, row);
  }

  return {
    /**
     * Registers a resident and issues their card, or returns the card they already have.
     * @returns the card and whether it was created now.
     */
    async registerCard(
      actor: CardActor,
      raw: RegisterCardInput,
    ): Promise<{ card: CardView; created: boolean }> {
      validateChannel(raw.channel);
      const input = { ...raw, ...validateHolder(raw, now()) };
      const appId = actor.kind === 'app' ? actor.appId : `operator:${actor.id}`;

      if (input.registerNo) {
        const previous = await repo.findRegistration(db, appId, input.registerNo);
        if (previous) return { card: toView(actor, await loadCard(db, previous.ehc_id)), created: false };
      }
      const idNoIndex = personalData.blindIndex('id_no', input.idNo);
      const existing = await repo.findResidentByIdIndex(db, input.idType, idNoIndex);
      const existingCard = existing && (await repo.findLiveCardOfResident(db, existing.id));
      if (existingCard) {
        if (input.registerNo) await repo.insertRegistration(db, appId, input.registerNo, existingCard.id);
        return { card: toView(actor, await loadCard(db, existingCard.ehc_id)), created: false };
      }

      const { level, belowDefault } = await confirmIdentity(input);
      const masterIndex = await cipher.computeMasterIndex({
        idType: input.idType,
        idNo: input.idNo,
        name: input.name,
      });
      const ehcId = await cipher.computeEhcId({ masterIndex, idType: input.idType, idNo: input.idNo });

      try {
        await db.transaction().execute(async (trx) => {
          const residentId =
            existing?.id ??
            (
              await repo.insertResident(trx, {
                master_index: masterIndex,
                id_type: input.idType,
                id_no_enc: personalData.encrypt('id_no', input.idNo),
                id_no_index: idNoIndex,
                name: input.name,
                gender: input.gender,
                birthday: input.birthday,
                nation: input.nation ?? null,
                nationality: input.nationality ?? null,
                phone_enc: input.cellphone ? personalData.encrypt('phone', input.cellphone) : null,
                phone_index: input.cellphone ? personalData.blindIndex('phone', input.cellphone) : null,
                address_enc: input.address ? personalData.encrypt('address', input.address) : null,
                marital_status: input.maritalStatus ?? null,
              })
            ).id;
          const card = await repo.insertCard(trx, {
            resident_id: residentId,
            ehc_id: ehcId,
            kind: 'formal',
            status: 'active',
            verification_level: level,
            below_default_level: belowDefault,
            channel: input.channel,
            issued_by_app: actor.kind === 'app' ? actor.appId : null,
          });
          if (input.registerNo) await repo.insertRegistration(trx, appId, input.registerNo, card.id);
          await repo.insertCardEvent(trx, {
            card_id: card.id,
            event: 'issued',
            actor: appId,
            reason: null,
            changes: null,
          });
          await audit.append(trx, {
            actor: auditActor(actor),
            action: belowDefault ? 'card.register.below_default_level' : 'card.register',
            subject: { kind: 'card', id: ehcId },
            details: { channel: input.channel, level, idNo: maskIdNumber(input.idNo) },
          });
        });
      } catch (error) {
        // A concurrent registration of the same person won: return its card.
        if ((error as { code?: string }).code !== '23505') throw error;
        const winner = await repo.findResidentByIdIndex(db, input.idType, idNoIndex);
        const winnerCard = winner && (await repo.findLiveCardOfResident(db, winner.id));
        if (!winnerCard) throw error;
        if (input.registerNo) await repo.insertRegistration(db, appId, input.registerNo, winnerCard.id);
        return { card: toView(actor, await loadCard(db, winnerCard.ehc_id)), created: false };
      }
      return { card: toView(actor, await loadCard(db, ehcId)), created: true };
    },

    /**
     * Issues a newborn's card (新生儿卡) on the guardian's verified identity: the guardian holds an
     * active card, or the identity provider confirms them. The child is identified by the birth
     * certificate number (ID type 111); the same certificate twice returns the same card.
     */
    async registerNewborn(
      actor: CardActor,
      input: RegisterNewbornInput,
    ): Promise<{ card: CardView; newborn: NewbornView; created: boolean }> {
      validateChannel(input.channel);
      const birthTime = parseBirthTime(input.child.birthTime, now());
      if (!Number.isInteger(input.child.parity) || input.child.parity < 1 || input.child.parity > 20)
        throw new AppError('PARITY_INVALID', undefined, { field: 'parity' });
      if (
        !Number.isInteger(input.child.birthOrder) ||
        input.child.birthOrder < 1 ||
        input.child.birthOrder > 10
      )
        throw new AppError('BIRTH_ORDER_INVALID', undefined, { field: 'birth_order' });
      if (!['mother', 'father', 'other'].includes(input.guardianRelation)) {
        throw new AppError('VALIDATION_FAILED', 'guardian_relation must be mother, father or other', {
          issues: [{ path: '/guardian_relation', message: 'must be mother, father or other' }],
        });
      }
      const child = validateHolder(
        {
          idType: NEWBORN_ID_TYPE,
          idNo: input.child.birthCertificateNo,
          name: input.child.name,
          gender: input.child.gender,
          birthday: chinaDate(birthTime),
          nation: input.child.nation,
          address: input.child.address,
          cellphone: input.child.cellphone,
        },
        now(),
      );
      const appId = actor.kind === 'app' ? actor.appId : `operator:${actor.id}`;
      const existingView = async (ehcId: string) => {
        const row = await loadCard(db, ehcId);
        return { card: toView(actor, row), newborn: await newbornView(row.card_id), created: false };
      };
      if (input.registerNo) {
        const previous = await repo.findRegistration(db, appId, input.registerNo);
        if (previous) return existingView(previous.ehc_id);
      }
      const idNoIndex = personalData.blindIndex('id_no', child.idNo);
      const existing = await repo.findResidentByIdIndex(db, NEWBORN_ID_TYPE, idNoIndex);
      const existingCard = existing && (await repo.findLiveCardOfResident(db, existing.id));
      if (existingCard) return existingView(existingCard.ehc_id);

      const guardian = await verifyGuardian(input.guardian);
      const masterIndex = await cipher.computeMasterIndex({
        idType: NEWBORN_ID_TYPE,
        idNo: child.idNo,
        name: child.name,
      });
      const ehcId = await cipher.computeEhcId({ masterIndex, idType: NEWBORN_ID_TYPE, idNo: child.idNo });
      const provisional = input.child.provisionalName ?? PROVISIONAL_NAME.test(child.name);
      await db.transaction().execute(async (trx) => {
        const residentId =
          existing?.id ??
          (
            await repo.insertResident(trx, {
              master_index: masterIndex,
              id_type: NEWBORN_ID_TYPE,
              id_no_enc: personalData.encrypt('id_no', child.idNo),
              id_no_index: idNoIndex,
              name: child.name,
              gender: child.gender,
              birthday: child.birthday,
              nation: child.nation ?? null,
              nationality: null,
              phone_enc: child.cellphone ? personalData.encrypt('phone', child.cellphone) : null,
              phone_index: child.cellphone ? personalData.blindIndex('phone', child.cellphone) : null,
              address_enc: child.address ? personalData.encrypt('address', child.address) : null,
              marital_status: null,
            })
          ).id;
        const card = await repo.insertCard(trx, {
          resident_id: residentId,
          ehc_id: ehcId,
          kind: 'newborn',
          status: 'active',
          verification_level: guardian.level,
          below_default_level: false,
          channel: input.channel,
          issued_by_app: actor.kind === 'app' ? actor.appId : null,
        });
        await repo.insertNewbornCard(trx, {
          card_id: card.id,
          guardian_card_id: guardian.cardId,
          guardian_id_type: guardian.idType,
          guardian_id_no_enc: personalData.encrypt('id_no', guardian.idNo),
          guardian_id_no_index: personalData.blindIndex('id_no', guardian.idNo),
          guardian_name: guardian.name,
          guardian_relation: input.guardianRelation,
          birth_time: birthTime,
          parity: input.child.parity,
          birth_order: input.child.birthOrder,
          provisional_name: provisional,
        });
        if (input.registerNo) await repo.insertRegistration(trx, appId, input.registerNo, card.id);
        await repo.insertCardEvent(trx, {
          card_id: card.id,
          event: 'issued',
          actor: appId,
          reason: 'newborn',
          changes: null,
        });
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.register.newborn',
          subject: { kind: 'card', id: ehcId },
          details: {
            channel: input.channel,
            guardianVerifiedBy: guardian.level,
            guardianIdNo: maskIdNumber(guardian.idNo),
            parity: input.child.parity,
            birthOrder: input.child.birthOrder,
          },
        });
      });
      const row = await loadCard(db, ehcId);
      return { card: toView(actor, row), newborn: await newbornView(row.card_id), created: true };
    },

    /**
     * Gives a newborn's card the child's own resident ID number (type 01): a new master index and
     * EHC ID by the national algorithm; the old EHC ID stays an alias of the same card.
     */
    async upgradeNewbornCard(
      actor: CardActor,
      ehcId: string,
      input: { idNo: string; name?: string | undefined },
    ): Promise<{ card: CardView; previousEhcId: string }> {
      const row = await loadCard(db, ehcId);
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      const newborn = await repo.findNewbornCard(db, row.card_id);
      if (!newborn) throw new AppError('CARD_KIND_UNSUPPORTED', 'only a newborn card can be upgraded');
      if (newborn.upgraded_at !== null || row.id_type !== NEWBORN_ID_TYPE)
        throw new AppError('NEWBORN_ALREADY_UPGRADED');
      const next = validateHolder(
        {
          idType: '01',
          idNo: input.idNo,
          name: input.name ?? (row.name as string),
          gender: row.gender,
          birthday: formatDate(row.birthday as string),
        },
        now(),
      );
      const idNoIndex = personalData.blindIndex('id_no', next.idNo);
      if (await repo.findResidentByIdIndex(db, '01', idNoIndex))
        throw new AppError('NEWBORN_UPGRADE_CONFLICT');
      const check = await identity.check({
        idType: '01',
        idNo: next.idNo,
        name: next.name,
        gender: next.gender,
        birthday: next.birthday,
      });
      if (check.outcome === 'mismatch')
        throw new AppError('IDENTITY_MISMATCH', undefined, { fields: check.fields });
      if (check.outcome === 'confirmed' && check.deceasedOn) throw new AppError('IDENTITY_DECEASED');
      const masterIndex = await cipher.computeMasterIndex({ idType: '01', idNo: next.idNo, name: next.name });
      const newEhcId = await cipher.computeEhcId({ masterIndex, idType: '01', idNo: next.idNo });
      const changes: Record<string, { before: string | null; after: string | null }> = {
        ehcId: { before: row.ehc_id, after: newEhcId },
        idType: { before: row.id_type, after: '01' },
        idNo: {
          before: maskIdNumber(personalData.decrypt('id_no', row.id_no_enc)),
          after: maskIdNumber(next.idNo),
        },
      };
      if (next.name !== row.name) changes['name'] = { before: row.name, after: next.name };
      try {
        await db.transaction().execute(async (trx) => {
          await repo.insertCardAlias(trx, { ehc_id: row.ehc_id, card_id: row.card_id, reason: 'upgraded' });
          await repo.updateResident(trx, row.resident_id, {
            master_index: masterIndex,
            id_type: '01',
            id_no_enc: personalData.encrypt('id_no', next.idNo),
            id_no_index: idNoIndex,
            name: next.name,
          });
          await repo.updateCard(trx, row.card_id, {
            ehc_id: newEhcId,
            kind: 'formal',
            ...(check.outcome === 'confirmed' ? { verification_level: check.level } : {}),
          });
          await repo.markNewbornUpgraded(trx, row.card_id, now());
          await repo.insertCardEvent(trx, {
            card_id: row.card_id,
            event: 'upgraded',
            actor: auditActor(actor).id,
            reason: "the child's own resident ID number",
            changes,
          });
          await audit.append(trx, {
            actor: auditActor(actor),
            action: 'card.newborn.upgrade',
            subject: { kind: 'card', id: newEhcId },
            details: { previousEhcId: row.ehc_id, idNo: maskIdNumber(next.idNo) },
          });
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new AppError('NEWBORN_UPGRADE_CONFLICT');
        throw error;
      }
      return { card: toView(actor, await loadCard(db, newEhcId)), previousEhcId: row.ehc_id };
    },

    /** The birth facts and guardian link of a newborn's card (also after its upgrade). */
    async getNewborn(actor: CardActor, ehcId: string): Promise<NewbornView> {
      const row = await loadCard(db, ehcId);
      const view = await newbornView(row.card_id);
      await audit.append(db, {
        actor: auditActor(actor),
        action: 'card.newborn.read',
        subject: { kind: 'card', id: row.ehc_id },
      });
      return view;
    },

    /**
     * Issues a temporary card (临时卡) without documents: a random master index (never one of a real
     * person: the column is unique), the code `<master index>:9`, valid for
     * EHC_TEMPORARY_CARD_TTL_HOURS. Whatever the holder could tell is kept; all of it may be missing.
     */
    async issueTemporaryCard(
      actor: CardActor,
      raw: TemporaryHolderInput & { channel: string },
    ): Promise<{ card: CardView; code: string; expiresAt: string }> {
      validateChannel(raw.channel);
      const holder = validateTemporaryHolder(raw, now());
      let masterIndex = randomMasterIndex();
      while (await repo.masterIndexExists(db, masterIndex)) masterIndex = randomMasterIndex();
      // A placeholder document (type 99, other) that no real person can present.
      const idNo = `TEMP-${masterIndex.slice(0, 24)}`;
      const ehcId = await cipher.computeEhcId({ masterIndex, idType: TEMPORARY_ID_TYPE, idNo });
      const expiresAt = new Date(now().getTime() + config.temporaryCardTtlHours * 3600_000);
      const appId = actor.kind === 'app' ? actor.appId : `operator:${actor.id}`;
      await db.transaction().execute(async (trx) => {
        const resident = await repo.insertResident(trx, {
          master_index: masterIndex,
          id_type: TEMPORARY_ID_TYPE,
          id_no_enc: personalData.encrypt('id_no', idNo),
          id_no_index: personalData.blindIndex('id_no', idNo),
          name: holder.name ?? null,
          gender: holder.gender ?? '0',
          birthday: holder.birthday ?? null,
          nation: null,
          nationality: null,
          phone_enc: holder.cellphone ? personalData.encrypt('phone', holder.cellphone) : null,
          phone_index: holder.cellphone ? personalData.blindIndex('phone', holder.cellphone) : null,
          address_enc: null,
          marital_status: null,
        });
        const card = await repo.insertCard(trx, {
          resident_id: resident.id,
          ehc_id: ehcId,
          kind: 'temporary',
          status: 'active',
          verification_level: 'none',
          below_default_level: true,
          channel: raw.channel,
          issued_by_app: actor.kind === 'app' ? actor.appId : null,
        });
        await repo.insertTemporaryCard(trx, { card_id: card.id, expires_at: expiresAt });
        await repo.insertCardEvent(trx, {
          card_id: card.id,
          event: 'issued',
          actor: appId,
          reason: 'temporary',
          changes: null,
        });
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.register.temporary',
          subject: { kind: 'card', id: ehcId },
          details: {
            channel: raw.channel,
            expiresAt: expiresAt.toISOString(),
            named: holder.name !== undefined,
          },
        });
      });
      return {
        card: toView(actor, await loadCard(db, ehcId)),
        code: encodeQrText({ kind: 'temporary', masterIndex }),
        expiresAt: expiresAt.toISOString(),
      };
    },

    /**
     * Merges a temporary card into the holder's formal card: its card-use records move to the formal
     * card (a use the formal card already has is dropped as a duplicate), the temporary card is
     * cancelled with the reason `merged`, and both histories say so.
     */
    async mergeTemporaryCard(
      actor: CardActor,
      temporaryEhcId: string,
      formalEhcId: string,
    ): Promise<{ card: CardView; movedCardUses: number; duplicates: number }> {
      const temporary = await loadCard(db, temporaryEhcId);
      if (temporary.kind !== 'temporary')
        throw new AppError('CARD_KIND_UNSUPPORTED', 'only a temporary card can be merged into another');
      const state = await repo.findTemporaryCard(db, temporary.card_id);
      if (state?.merged_into_ehc_id)
        throw new AppError('TEMPORARY_CARD_MERGED', undefined, { mergedInto: state.merged_into_ehc_id });
      if (temporary.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      const formal = await loadCard(db, formalEhcId);
      if (formal.kind === 'temporary' || formal.status !== 'active') {
        throw new AppError('MERGE_TARGET_INVALID', undefined, { kind: formal.kind, status: formal.status });
      }
      const actorId = auditActor(actor).id;
      const moved = await db.transaction().execute(async (trx) => {
        const result = await repo.moveCardUses(trx, temporary.card_id, formal.card_id, formal.ehc_id);
        await repo.markTemporaryMerged(trx, temporary.card_id, formal.card_id, now());
        await repo.updateCardStatus(trx, temporary.card_id, 'cancelled', {
          cancel_reason: MERGED_REASON,
          cancelled_at: now(),
        });
        await repo.insertCardEvent(trx, {
          card_id: temporary.card_id,
          event: 'merged',
          actor: actorId,
          reason: MERGED_REASON,
          changes: { mergedInto: formal.ehc_id, cardUses: result.moved, duplicates: result.duplicates },
        });
        await repo.insertCardEvent(trx, {
          card_id: formal.card_id,
          event: 'card_uses_merged',
          actor: actorId,
          reason: 'temporary card merged',
          changes: { from: temporary.ehc_id, cardUses: result.moved, duplicates: result.duplicates },
        });
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.temporary.merge',
          subject: { kind: 'card', id: formal.ehc_id },
          details: { temporary: temporary.ehc_id, cardUses: result.moved, duplicates: result.duplicates },
        });
        return result;
      });
      return {
        card: toView(actor, await loadCard(db, formal.ehc_id)),
        movedCardUses: moved.moved,
        duplicates: moved.duplicates,
      };
    },

    /** A card and its holder, masked for this actor; reading is audited. */
    getCard: readCard,

    /** The card of a person, found by ID document (blind index), masked for this actor. */
    async findCardByIdentity(actor: CardActor, idType: string, idNo: string): Promise<CardView> {
      const resident = await repo.findResidentByIdIndex(
        db,
        idType,
        personalData.blindIndex('id_no', idNo.trim()),
      );
      const card = resident && (await repo.findLiveCardOfResident(db, resident.id));
      if (!card) throw new AppError('CARD_NOT_FOUND');
      return readCard(actor, card.ehc_id);
    },

    /**
     * The QR text of a card: static (printable) or dynamic (expires after EHC_QR_DYNAMIC_TTL),
     * optionally with the node's SM2 signature (the signed extension).
     */
    async generateCode(
      actor: CardActor,
      ehcId: string,
      options: { type: 'static' | 'dynamic'; signed?: boolean },
    ): Promise<{ text: string; expiresAt: string | null }> {
      const row = await loadCard(db, ehcId);
      if (row.kind === 'temporary') {
        // A temporary card has one code, `<master index>:9`, valid until the card expires.
        const expiresAt = await temporaryCardUsableUntil(row);
        await audit.append(db, {
          actor: auditActor(actor),
          action: 'card.code.generate',
          subject: { kind: 'card', id: row.ehc_id },
          details: { type: 'temporary', signed: false },
        });
        return {
          text: encodeQrText({ kind: 'temporary', masterIndex: row.master_index }),
          expiresAt: expiresAt.toISOString(),
        };
      }
      if (row.status === 'frozen') throw new AppError('CARD_FROZEN');
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      const expiresAt =
        options.type === 'dynamic' ? new Date(now().getTime() + config.qrDynamicTtlSeconds * 1000) : null;
      const base =
        options.type === 'dynamic'
          ? ({
              kind: 'dynamic',
              ehcId: row.ehc_id,
              validity: await cipher.encryptValidity(expiresAt as Date),
            } as const)
          : ({ kind: 'static', ehcId: row.ehc_id } as const);
      let text: string;
      if (options.signed) {
        const unsigned = { ...base, node: config.nodeCode };
        const payload = encodeQrText(unsigned);
        const signature = bytesToHex(await cipher.signWithNodeKey(asciiToBytes(payload))).toUpperCase();
        text = `${payload}:${signature}`;
      } else {
        text = encodeQrText(base);
      }
      await audit.append(db, {
        actor: auditActor(actor),
        action: 'card.code.generate',
        subject: { kind: 'card', id: row.ehc_id },
        details: { type: options.type, signed: options.signed === true },
      });
      return { text, expiresAt: expiresAt?.toISOString() ?? null };
    },

    /**
     * Scan verification (扫码验证): parse, check the validity time or signature and the card's
     * status, then record the card use and the audit entry together and return the holder.
     */
    async verifyCode(
      actor: CardActor,
      input: VerifyCodeInput,
    ): Promise<CardView & { presented: QrCode['kind'] }> {
      let code: QrCode;
      try {
        code = parseQrText(input.code.trim());
      } catch (error) {
        if (error instanceof QrFormatError)
          throw new AppError('QR_MALFORMED', undefined, { reason: error.reason });
        throw error;
      }
      if (code.kind !== 'temporary' && !(await signedPayloadValid(code)))
        throw new AppError('QR_TAMPERED', 'the signature does not match the code');
      if (code.kind === 'dynamic') {
        let expiry: Date;
        try {
          expiry = await cipher.decryptValidity(code.validity);
        } catch {
          throw new AppError('QR_TAMPERED', 'the validity field was not made by this node');
        }
        if (expiry.getTime() < now().getTime())
          throw new AppError('QR_EXPIRED', undefined, { expiredAt: expiry.toISOString() });
      }
      const row =
        code.kind === 'temporary'
          ? await scannableTemporaryCard(code.masterIndex)
          : await resolveCard(db, code.ehcId);
      if (!row) throw new AppError('QR_CARD_UNKNOWN');
      if (row.status === 'frozen') throw new AppError('CARD_FROZEN');
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');

      const use = {
        cardId: row.card_id,
        ehcId: row.ehc_id,
        orgCode: actor.kind === 'app' && actor.orgCode ? actor.orgCode : input.terminalCode.slice(0, -4),
        terminalCode: input.terminalCode,
        sceneCode: input.sceneCode,
        channelCode: input.channelCode,
        departmentCode: input.departmentCode,
        costType: input.costType,
        usedAt: now(),
        ...(actor.kind === 'app' ? { appId: actor.appId } : {}),
        source: 'verify' as const,
      };
      // Checked here, so that one bad request cannot fail the group commit of others.
      validateCardUse(use, SCENE_CODES, now());
      await verifications.record(use, {
        actor: auditActor(actor),
        action: 'card.verify',
        subject: { kind: 'card', id: row.ehc_id },
        details: { presented: code.kind, scene: input.sceneCode, terminal: input.terminalCode },
      });
      return { ...toView(actor, row), presented: code.kind };
    },

    async freezeCard(actor: CardActor, ehcId: string, reason: string): Promise<CardView> {
      return changeStatus(actor, ehcId, 'active', 'frozen', 'frozen', reason);
    },

    async unfreezeCard(actor: CardActor, ehcId: string, reason: string): Promise<CardView> {
      return changeStatus(actor, ehcId, 'frozen', 'active', 'unfrozen', reason);
    },

    /** Cancels a card (注销) with a reason; a cancelled card never verifies again. */
    async cancelCard(actor: CardActor, ehcId: string, reason: string): Promise<CardView> {
      const row = await loadCard(db, ehcId);
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      await db.transaction().execute(async (trx) => {
        await cancelInTransaction(trx, actor, row.card_id, reason);
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.cancel',
          subject: { kind: 'card', id: row.ehc_id },
          details: { reason },
        });
      });
      return toView(actor, await loadCard(db, ehcId));
    },

    /**
     * Records deaths reported by the civil registry (死亡登记): marks each person deceased in the
     * population registry and cancels their live card with the reason `deceased`, all in one
     * transaction. Re-sending the same records changes nothing (idempotent).
     */
    async recordDeaths(actor: CardActor, records: readonly DeathRecord[]): Promise<DeathsOutcome> {
      const outcome: DeathsOutcome = { marked: 0, unchanged: 0, notInRegistry: 0, cardsCancelled: 0 };
      if (records.length === 0) return outcome;
      if (records.length > 1000) {
        throw new AppError('VALIDATION_FAILED', 'send 1 to 1000 records per call', {
          issues: [{ path: '/records', message: 'must hold 1 to 1000 records' }],
        });
      }
      const today = chinaDate(now());
      records.forEach((record, index) => {
        const reason = deathRecordProblem(record, today);
        if (reason) {
          throw new AppError('VALIDATION_FAILED', `record ${index}: ${reason}`, {
            issues: [{ path: `/records/${index}`, message: reason }],
          });
        }
      });
      const indexed = records.map((record) => ({
        ...record,
        index: personalData.blindIndex('id_no', record.idNo.trim().toUpperCase()),
      }));
      await db.transaction().execute(async (trx) => {
        const cancelled: { ehcId: string; deceasedOn: string }[] = [];
        for (const record of indexed) {
          const mark = await repo.markDeceasedInRegistry(trx, record.idType, record.index, record.deceasedOn);
          if (mark === 'marked') outcome.marked += 1;
          else if (mark === 'unchanged') outcome.unchanged += 1;
          else outcome.notInRegistry += 1;
          const resident = await repo.findResidentByIdIndex(trx, record.idType, record.index);
          const card = resident && (await repo.findLiveCardOfResident(trx, resident.id));
          if (!card) continue;
          await cancelInTransaction(trx, actor, card.id, DECEASED_REASON);
          cancelled.push({ ehcId: card.ehc_id, deceasedOn: record.deceasedOn });
        }
        outcome.cardsCancelled = cancelled.length;
        // Audit last: the chain's lock is held until this transaction commits.
        for (const card of cancelled) {
          await audit.append(trx, {
            actor: auditActor(actor),
            action: 'card.cancel',
            subject: { kind: 'card', id: card.ehcId },
            details: { reason: DECEASED_REASON, deceasedOn: card.deceasedOn },
          });
        }
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'registry.deaths',
          details: { records: records.length, ...outcome },
        });
      });
      return outcome;
    },

    /** Changes holder data other than the identity document; history keeps masked before/after values. */
    async modifyHolder(
      actor: CardActor,
      ehcId: string,
      changes: {
        name?: string;
        cellphone?: string;
        address?: string;
        nation?: string;
        maritalStatus?: string;
      },
    ): Promise<CardView> {
      const row = await loadCard(db, ehcId);
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
      if (row.kind === 'temporary' || row.name === null || row.birthday === null) {
        throw new AppError(
          'CARD_KIND_UNSUPPORTED',
          'a temporary card holds no holder data to change; merge it',
        );
      }
      const current: HolderInput = {
        idType: row.id_type,
        idNo: personalData.decrypt('id_no', row.id_no_enc),
        name: row.name,
        gender: row.gender,
        birthday: formatDate(row.birthday),
        nation: row.nation ?? undefined,
        maritalStatus: row.marital_status ?? undefined,
      };
      const next = validateHolder({ ...current, ...changes }, now());
      const diff: Record<string, { before: string | null; after: string | null }> = {};
      const update: Parameters<typeof repo.updateResident>[2] = {};
      if (changes.name !== undefined && next.name !== row.name) {
        diff['name'] = { before: row.name, after: next.name };
        update.name = next.name;
      }
      if (changes.nation !== undefined && next.nation !== row.nation) {
        diff['nation'] = { before: row.nation, after: next.nation ?? null };
        update.nation = next.nation ?? null;
      }
      if (changes.maritalStatus !== undefined) {
        diff['maritalStatus'] = { before: row.marital_status, after: next.maritalStatus ?? null };
        update.marital_status = next.maritalStatus ?? null;
      }
      if (changes.cellphone !== undefined) {
        const before = row.phone_enc ? maskPhone(personalData.decrypt('phone', row.phone_enc)) : null;
        diff['cellphone'] = { before, after: next.cellphone ? maskPhone(next.cellphone) : null };
        update.phone_enc = next.cellphone ? personalData.encrypt('phone', next.cellphone) : null;
        update.phone_index = next.cellphone ? personalData.blindIndex('phone', next.cellphone) : null;
      }
      if (changes.address !== undefined) {
        const before = row.address_enc ? maskAddress(personalData.decrypt('address', row.address_enc)) : null;
        diff['address'] = { before, after: next.address ? maskAddress(next.address) : null };
        update.address_enc = next.address ? personalData.encrypt('address', next.address) : null;
      }
      if (Object.keys(diff).length > 0) {
        await db.transaction().execute(async (trx) => {
          await repo.updateResident(trx, row.resident_id, update);
          await repo.insertCardEvent(trx, {
            card_id: row.card_id,
            event: 'holder_modified',
            actor: auditActor(actor).id,
            reason: null,
            changes: diff,
          });
          await audit.append(trx, {
            actor: auditActor(actor),
            action: 'card.alter',
            subject: { kind: 'card', id: row.ehc_id },
            details: { fields: Object.keys(diff) },
          });
        });
      }
      return toView(actor, await loadCard(db, ehcId));
    },

    /**
     * Card-use reports (用卡数据上报, B5) from an institution: all or nothing, idempotent on
     * (card, terminal, scene, use time), so a retried batch records nothing twice.
     */
    async reportCardUses(
      actor: CardActor,
      records: readonly ReportedCardUse[],
    ): Promise<{ accepted: number; duplicates: number }> {
      if (records.length === 0 || records.length > 1000) {
        throw new AppError('VALIDATION_FAILED', 'send 1 to 1000 records per call', {
          issues: [{ path: '/records', message: 'must hold 1 to 1000 records' }],
        });
      }
      const ehcIds = [...new Set(records.map((record) => record.ehcId.toUpperCase()))];
      const found = await db
        .selectFrom('cards')
        .select(['id', 'ehc_id'])
        .where('ehc_id', 'in', ehcIds)
        .execute();
      // Presented EHC ID → the card and its current EHC ID (an old ID after an upgrade is an alias).
      const cardOf = new Map(found.map((row) => [row.ehc_id, { id: row.id, ehcId: row.ehc_id }]));
      const missing = ehcIds.filter((ehcId) => !cardOf.has(ehcId));
      if (missing.length > 0) {
        for (const alias of await repo.findCardsByAliases(db, missing)) {
          cardOf.set(alias.alias, { id: alias.card_id, ehcId: alias.ehc_id });
        }
      }
      const unknown = records.flatMap((record, index) =>
        cardOf.has(record.ehcId.toUpperCase()) ? [] : [index],
      );
      if (unknown.length > 0) {
        throw new AppError(
          'CARD_NOT_FOUND',
          `records ${unknown.join(', ')} name cards this platform does not know`,
          {
            issues: unknown.map((index) => ({
              path: `/records/${index}/ehealth_card_id`,
              message: 'unknown card',
            })),
          },
        );
      }
      const inputs = records.map((record) => ({
        cardId: cardOf.get(record.ehcId.toUpperCase())?.id as string,
        ehcId: cardOf.get(record.ehcId.toUpperCase())?.ehcId as string,
        orgCode: actor.kind === 'app' && actor.orgCode ? actor.orgCode : record.terminalCode.slice(0, -4),
        terminalCode: record.terminalCode,
        sceneCode: record.sceneCode,
        channelCode: record.channelCode,
        departmentCode: record.departmentCode,
        costType: record.costType,
        usedAt: record.usedAt,
        ...(actor.kind === 'app' ? { appId: actor.appId } : {}),
        source: 'report' as const,
      }));
      return db.transaction().execute(async (trx) => {
        const result = await usage.recordBatch(trx, inputs);
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.use.report',
          details: { records: records.length, recorded: result.recorded, duplicates: result.duplicates },
        });
        return { accepted: result.recorded, duplicates: result.duplicates };
      });
    },

    /** The card's history, oldest first. */
    async history(actor: CardActor, ehcId: string) {
      const row = await loadCard(db, ehcId);
      const events = await repo.listCardEvents(db, row.card_id);
      await audit.append(db, {
        actor: auditActor(actor),
        action: 'card.history.read',
        subject: { kind: 'card', id: row.ehc_id },
      });
      return events.map((event) => ({ ...event, created_at: new Date(event.created_at).toISOString() }));
    },
  };

  /** When a temporary card stops verifying; throws when it already has, or was merged. */
  async function temporaryCardUsableUntil(row: CardRow): Promise<Date> {
    const state = await repo.findTemporaryCard(db, row.card_id);
    if (state?.merged_into_ehc_id)
      throw new AppError('TEMPORARY_CARD_MERGED', undefined, { mergedInto: state.merged_into_ehc_id });
    if (row.status === 'frozen') throw new AppError('CARD_FROZEN');
    if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
    const expiresAt = new Date(state?.expires_at ?? 0);
    if (expiresAt.getTime() <= now().getTime())
      throw new AppError('TEMPORARY_CARD_EXPIRED', undefined, { expiredAt: expiresAt.toISOString() });
    return expiresAt;
  }

  /** The temporary card a scanned `:9` code names, checked usable now. */
  async function scannableTemporaryCard(masterIndex: string): Promise<CardRow | undefined> {
    const found = await repo.findTemporaryCardByMasterIndex(db, masterIndex);
    if (!found) return undefined;
    const row = await loadCard(db, found.ehc_id);
    await temporaryCardUsableUntil(row);
    return row;
  }

  /** The guardian of a newborn: an active card, or an identity the provider confirms. */
  async function verifyGuardian(guardian: NewbornGuardianInput): Promise<{
    cardId: string | null;
    idType: string;
    idNo: string;
    name: string;
    level: string;
  }> {
    if ('ehcId' in guardian) {
      const row = await resolveCard(db, guardian.ehcId);
      if (row?.status !== 'active' || row.kind === 'temporary' || row.name === null) {
        throw new AppError('GUARDIAN_NOT_VERIFIED', undefined, {
          reason: row
            ? `the guardian's card is ${row.kind === 'temporary' ? 'temporary' : row.status}`
            : 'no such card',
        });
      }
      return {
        cardId: row.card_id,
        idType: row.id_type,
        idNo: personalData.decrypt('id_no', row.id_no_enc),
        name: row.name,
        level: 'guardian_card',
      };
    }
    const claim = validateHolder(guardian, now());
    const result = await identity.check({
      idType: claim.idType,
      idNo: claim.idNo,
      name: claim.name,
      gender: claim.gender,
      birthday: claim.birthday,
    });
    if (result.outcome !== 'confirmed' || result.deceasedOn) {
      throw new AppError('GUARDIAN_NOT_VERIFIED', undefined, {
        reason: result.outcome === 'confirmed' ? 'deceased' : result.outcome,
      });
    }
    return {
      cardId: null,
      idType: claim.idType,
      idNo: claim.idNo,
      name: claim.name,
      level: 'guardian_registry',
    };
  }

  async function newbornView(cardId: string): Promise<NewbornView> {
    const row = await repo.findNewbornCard(db, cardId);
    if (!row) throw new AppError('CARD_KIND_UNSUPPORTED', 'this card was not issued to a newborn');
    return {
      guardian: {
        ehcId: row.guardian_ehc_id,
        idType: row.guardian_id_type,
        idNo: maskIdNumber(personalData.decrypt('id_no', row.guardian_id_no_enc)),
        name: row.guardian_name,
        relation: row.guardian_relation,
      },
      birthTime: new Date(row.birth_time).toISOString(),
      parity: row.parity,
      birthOrder: row.birth_order,
      provisionalName: row.provisional_name,
      upgradedAt: row.upgraded_at === null ? null : new Date(row.upgraded_at).toISOString(),
    };
  }

  async function cancelInTransaction(trx: DbExecutor, actor: CardActor, cardId: string, reason: string) {
    await repo.updateCardStatus(trx, cardId, 'cancelled', { cancel_reason: reason, cancelled_at: now() });
    await repo.insertCardEvent(trx, {
      card_id: cardId,
      event: 'cancelled',
      actor: auditActor(actor).id,
      reason,
      changes: null,
    });
  }

  async function changeStatus(
    actor: CardActor,
    ehcId: string,
    from: CardStatus,
    to: CardStatus,
    event: 'frozen' | 'unfrozen',
    reason: string,
  ): Promise<CardView> {
    const row = await loadCard(db, ehcId);
    if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');
    if (row.status !== from)
      throw new AppError('CARD_STATUS_CONFLICT', `the card is ${row.status}, not ${from}`);
    await db.transaction().execute(async (trx) => {
      await repo.updateCardStatus(trx, row.card_id, to);
      await repo.insertCardEvent(trx, {
        card_id: row.card_id,
        event,
        actor: auditActor(actor).id,
        reason,
        changes: null,
      });
      await audit.append(trx, {
        actor: auditActor(actor),
        action: `card.${event === 'frozen' ? 'freeze' : 'unfreeze'}`,
        subject: { kind: 'card', id: row.ehc_id },
        details: { reason },
      });
    });
    return toView(actor, await loadCard(db, ehcId));
  }
}

export type CardsService = ReturnType<typeof createCardsService>;

/** Keeps the first six characters (province/city part) of an address. */
function maskAddress(address: string): string {
  const chars = [...address];
  return chars.length <= 6 ? '*'.repeat(chars.length) : `${chars.slice(0, 6).join('')}****`;
}

/** Why a death record cannot be accepted, or undefined when it can. */
export function deathRecordProblem(record: DeathRecord, today: string): string | undefined {
  if (!isValidIdTypeCode(record.idType))
    return `id_type "${record.idType}" is not an ID document type (CV02.01.101)`;
  const idNo = record.idNo.trim().toUpperCase();
  if (record.idType === '01') {
    const check = validateResidentIdNumber(idNo);
    if (!check.valid) return `id_no is not a valid resident ID number: ${check.message}`;
  } else if (!/^[0-9A-Z()-]{1,32}$/.test(idNo)) {
    return 'id_no must be 1–32 letters, digits, hyphens or brackets';
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(record.deceasedOn);
  const real =
    match !== null &&
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
      .toISOString()
      .slice(0, 10) === record.deceasedOn;
  if (!real) return `deceased_on "${record.deceasedOn}" is not a date (YYYY-MM-DD)`;
  if (record.deceasedOn > today) return `deceased_on ${record.deceasedOn} is in the future`;
  return undefined;
}

/** A birth time: ISO 8601 with a zone, not in the future, not before 1900. */
function parseBirthTime(text: string, today: Date): Date {
  const valid = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const time = new Date(text);
  if (
    !valid ||
    Number.isNaN(time.getTime()) ||
    time.getTime() > today.getTime() + 5 * 60_000 ||
    time.getUTCFullYear() < 1900
  )
    throw new AppError('BIRTH_TIME_INVALID', undefined, { field: 'birth_time' });
  return time;
}

/** The calendar date in China Standard Time (UTC+8), yyyy-MM-dd. */
function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function formatDate(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  // A date column parsed into a Date at UTC midnight.
  return value.toISOString().slice(0, 10);
}
