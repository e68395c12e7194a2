/**
 * The card-management core (卡管核心): real-name registration, one card per person, lifecycle,
 * QR codes and scan verification. Every rule and every access check lives here, with the actor
 * as the first argument; routes and the gateway only translate.
 */
import {
  asciiToBytes,
  bytesToHex,
  encodeQrText,
  hexToBytes,
  isValidIdTypeCode,
  parseQrText,
  type QrCode,
  QrFormatError,
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
import type { CardUseRecorder } from '../usage/usage.types.js';
import * as repo from './cards.repository.js';
import type { CardKind, CardStatus } from './cards.tables.js';
import { type HolderInput, validateChannel, validateHolder } from './holder-validation.js';

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

export interface CardView {
  ehcId: string;
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

  const auditActor = (actor: CardActor): AuditActor =>
    actor.kind === 'app' ? { kind: 'app', id: actor.appId } : { kind: 'operator', id: actor.id };

  const seesFullIdentity = (actor: CardActor) =>
    actor.kind === 'app' &&
    actor.orgCode !== null &&
    (actor.scopes.includes('verify') || actor.scopes.includes('query'));

  function toView(actor: CardActor, row: repo.CardWithResidentRow): CardView {
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
    };
  }

  async function loadCard(executor: DbExecutor, ehcId: string) {
    const row = await repo.findCardWithResidentByEhcId(executor, ehcId.toUpperCase());
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
      if (code.kind === 'temporary')
        throw new AppError('QR_CARD_UNKNOWN', 'temporary cards are not issued by this node');
      if (!(await signedPayloadValid(code)))
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
      const row = await repo.findCardWithResidentByEhcId(db, code.ehcId);
      if (!row) throw new AppError('QR_CARD_UNKNOWN');
      if (row.status === 'frozen') throw new AppError('CARD_FROZEN');
      if (row.status === 'cancelled') throw new AppError('CARD_CANCELLED');

      await db.transaction().execute(async (trx) => {
        await usage.record(trx, {
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
          source: 'verify',
        });
        await audit.append(trx, {
          actor: auditActor(actor),
          action: 'card.verify',
          subject: { kind: 'card', id: row.ehc_id },
          details: { presented: code.kind, scene: input.sceneCode, terminal: input.terminalCode },
        });
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
      const cardIdOf = new Map(found.map((row) => [row.ehc_id, row.id]));
      const unknown = records.flatMap((record, index) =>
        cardIdOf.has(record.ehcId.toUpperCase()) ? [] : [index],
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
        cardId: cardIdOf.get(record.ehcId.toUpperCase()) as string,
        ehcId: record.ehcId.toUpperCase(),
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

/** The calendar date in China Standard Time (UTC+8), yyyy-MM-dd. */
function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function formatDate(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  // A date column parsed into a Date at UTC midnight.
  return value.toISOString().slice(0, 10);
}
