import { computeCheckCharacter } from '@ehc/gm';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialiseKeys, loadCipherMachine, resolveMasterKey } from '../../cipher/keys.service.js';
import type { SoftwareCipherMachine } from '../../cipher/software-cipher-machine.js';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../../testing/test-backends.js';
import { chainPendingAuditEntries, createAuditLog, verifyAuditChain } from '../audit/audit.service.js';
import { RegistryIdentityProvider } from '../identity/registry-identity-provider.js';
import { importRegistryLines } from '../identity/registry-import.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { countCardUses, createCardUseRecorder } from '../usage/usage.service.js';
import {
  type CardActor,
  type CardsService,
  createCardsService,
  type RegisterCardInput,
} from './cards.service.js';

const ZHANG = { idType: '01', idNo: '11010020171225006X', name: '张三', gender: '2', birthday: '2017-12-25' };
const WANG_17 = '11010519491231001';
const WANG = {
  idType: '01',
  idNo: WANG_17 + computeCheckCharacter(WANG_17),
  name: '王·买买提',
  gender: '1',
  birthday: '1949-12-31',
};
const LI_17 = '37010219800101123';
const LI = {
  idType: '01',
  idNo: LI_17 + computeCheckCharacter(LI_17),
  name: '李四',
  gender: '1',
  birthday: '1980-01-01',
};
const NOT_IN_REGISTRY_17 = '37010219900202456';
const STRANGER = {
  idType: '01',
  idNo: NOT_IN_REGISTRY_17 + computeCheckCharacter(NOT_IN_REGISTRY_17),
  name: '赵六',
  gender: '2',
  birthday: '1990-02-02',
};

const HIS: CardActor = {
  kind: 'app',
  appId: 'his-app',
  orgCode: '12370100MB0000001X',
  scopes: ['register', 'verify', 'query', 'report'],
};
const PORTAL: CardActor = { kind: 'app', appId: 'platform-portal', orgCode: null, scopes: ['query'] };
const SCAN = {
  sceneCode: '010101',
  terminalCode: '12370100MB0000001X0100',
  channelCode: '01',
  departmentCode: '0100',
};

function register(
  extra: Partial<RegisterCardInput> &
    Pick<RegisterCardInput, 'idType' | 'idNo' | 'name' | 'gender' | 'birthday'>,
): RegisterCardInput {
  return {
    channel: '0100',
    cellphone: '13812341234',
    address: '山东省济南市历下区泉城路1号',
    nation: '01',
    ...extra,
  };
}

describe.each(BACKENDS)('cards service on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;
  let cipher: SoftwareCipherMachine;
  let personalData: PersonalDataProtector;
  let clock: Date;
  let cards: CardsService;

  const buildService = (loweredVerificationChannels: string[] = []) =>
    createCardsService({
      db: database.db,
      cipher,
      personalData,
      identity: new RegistryIdentityProvider(database.db, personalData),
      audit: createAuditLog(),
      usage: createCardUseRecorder({ now: () => clock }),
      config: {
        nodeCode: '370100',
        qrDynamicTtlSeconds: 60,
        loweredVerificationChannels,
        temporaryCardTtlHours: 72,
        familyMaxMembers: 8,
      },
      now: () => clock,
    });

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    const master = resolveMasterKey(environment.config);
    await initialiseKeys(database.db, master);
    cipher = await loadCipherMachine(database.db, master);
    personalData = await createPersonalDataProtector(database.db, cipher);
    const lines = [
      'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on',
      `01,${ZHANG.idNo},${ZHANG.name},2,2017-12-25,01,北京市东城区,110101,`,
      `01,${WANG.idNo},${WANG.name},1,1949-12-31,05,北京市西城区,110102,`,
      `01,${LI.idNo},${LI.name},1,1980-01-01,01,济南市历下区,370102,2025-06-01`,
    ];
    async function* feed() {
      yield* lines;
    }
    const imported = await importRegistryLines(database.db, personalData, feed());
    expect(imported.rejections).toEqual([]);
    clock = new Date('2026-11-22T08:00:00Z');
    cards = buildService();
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('issues one card per person, by the national algorithm, idempotently', async () => {
    const first = await cards.registerCard(HIS, register({ ...ZHANG, registerNo: 'R-1' }));
    expect(first.created).toBe(true);
    expect(first.card.ehcId).toMatch(/^[0-9A-F]{64}$/);
    const masterIndex = await cipher.computeMasterIndex(ZHANG);
    expect(first.card.masterIndex).toBe(masterIndex);
    expect(first.card.ehcId).toBe(await cipher.computeEhcId({ masterIndex, idType: '01', idNo: ZHANG.idNo }));
    expect(first.card.verificationLevel).toBe('registry');

    // The same person through another app and serial: the same card.
    const again = await cards.registerCard(
      { ...HIS, appId: 'kiosk' },
      register({ ...ZHANG, registerNo: 'K-9' }),
    );
    expect(again).toMatchObject({ created: false, card: { ehcId: first.card.ehcId } });
    // The same serial from the same app: the same card, even with other data.
    const replay = await cards.registerCard(HIS, register({ ...WANG, registerNo: 'R-1' }));
    expect(replay).toMatchObject({ created: false, card: { ehcId: first.card.ehcId } });
    const count = await database.db
      .selectFrom('cards')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('keeps a concurrent double registration to one card', async () => {
    const results = await Promise.all([
      cards.registerCard(HIS, register(WANG)),
      cards.registerCard(HIS, register(WANG)),
    ]);
    expect(results[0].card.ehcId).toBe(results[1].card.ehcId);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('refuses each broken holder rule with its own code and stores nothing', async () => {
    const cases: [Partial<RegisterCardInput>, string][] = [
      [{ idType: '42' }, 'ID_TYPE_INVALID'],
      [{ idNo: '11010020171225006Y' }, 'ID_NUMBER_INVALID'],
      [{ idNo: '110100201712250061' }, 'ID_NUMBER_INVALID'],
      [{ birthday: '2017-12-24' }, 'ID_NUMBER_BIRTHDAY_MISMATCH'],
      [{ gender: '1' }, 'ID_NUMBER_GENDER_MISMATCH'],
      [{ name: '' }, 'NAME_INVALID'],
      [{ name: '张'.repeat(51) }, 'NAME_INVALID'],
      [{ name: '张三<script>' }, 'NAME_INVALID'],
      [{ gender: '3' }, 'GENDER_INVALID'],
      [{ birthday: '2017-02-30' }, 'BIRTHDAY_INVALID'],
      [{ nation: '77' }, 'NATION_INVALID'],
      [{ cellphone: '1381234123' }, 'PHONE_INVALID'],
      [{ channel: '9999' }, 'CHANNEL_INVALID'],
    ];
    for (const [change, code] of cases) {
      await expect(cards.registerCard(HIS, register({ ...ZHANG, ...change })), code).rejects.toMatchObject({
        code,
      });
    }
    const rows = await database.db.selectFrom('residents').select('id').execute();
    expect(rows).toEqual([]);
  });

  it('refuses identities the registry cannot confirm, unless the channel was lowered', async () => {
    await expect(cards.registerCard(HIS, register(STRANGER))).rejects.toMatchObject({
      code: 'IDENTITY_NOT_FOUND',
    });
    await expect(cards.registerCard(HIS, register({ ...WANG, name: '王二' }))).rejects.toMatchObject({
      code: 'IDENTITY_MISMATCH',
      details: { fields: ['name'] },
    });
    await expect(cards.registerCard(HIS, register(LI))).rejects.toMatchObject({ code: 'IDENTITY_DECEASED' });

    const lowered = buildService(['0200']);
    await expect(lowered.registerCard(HIS, register(STRANGER))).rejects.toMatchObject({
      code: 'IDENTITY_NOT_FOUND',
    });
    const kiosk = await lowered.registerCard(HIS, register({ ...STRANGER, channel: '0200' }));
    expect(kiosk.card.verificationLevel).toBe('document');
    const row = await database.db
      .selectFrom('cards')
      .select('below_default_level')
      .where('ehc_id', '=', kiosk.card.ehcId)
      .executeTakeFirstOrThrow();
    expect(row.below_default_level).toBe(true);
    const audited = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'card.register.below_default_level')
      .execute();
    expect(audited).toHaveLength(1);
  });

  it('encrypts identifiers at rest and masks them for callers without verify or query in an institution', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    expect(card.holder).toMatchObject({ idNo: ZHANG.idNo, cellphone: '13812341234', masked: false });
    const portal = await cards.getCard(PORTAL, card.ehcId);
    expect(portal.holder).toMatchObject({
      idNo: '110***********006X',
      cellphone: '138****1234',
      address: '山东省济南市****',
      masked: true,
    });
    const { rows } = await sql<Record<string, unknown>>`select * from residents`.execute(database.db);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(ZHANG.idNo);
    expect(stored).not.toContain('13812341234');
    expect(stored).not.toContain('泉城路');
    expect((await cards.findCardByIdentity(HIS, '01', ZHANG.idNo.toLowerCase())).ehcId).toBe(card.ehcId);
  });

  it('verifies dynamic codes until they expire and records each use with its audit entry', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    const code = await cards.generateCode(HIS, card.ehcId, { type: 'dynamic' });
    expect(code.text).toMatch(new RegExp(`^${card.ehcId}:0:[0-9A-F]{32}$`));
    expect(code.expiresAt).toBe('2026-11-22T08:01:00.000Z');

    const verified = await cards.verifyCode(HIS, { code: code.text, ...SCAN });
    expect(verified).toMatchObject({
      ehcId: card.ehcId,
      presented: 'dynamic',
      holder: { name: '张三', idNo: ZHANG.idNo },
    });
    const cardRow = await database.db
      .selectFrom('cards')
      .select('id')
      .where('ehc_id', '=', card.ehcId)
      .executeTakeFirstOrThrow();
    expect(await countCardUses(database.db, { cardId: cardRow.id })).toBe(1);

    clock = new Date('2026-11-22T08:01:01Z');
    await expect(cards.verifyCode(HIS, { code: code.text, ...SCAN })).rejects.toMatchObject({
      code: 'QR_EXPIRED',
    });
    expect(await countCardUses(database.db, { cardId: cardRow.id })).toBe(1);
  });

  it('names each bad code: malformed, tampered, unknown card, foreign node', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    const dynamic = (await cards.generateCode(HIS, card.ehcId, { type: 'dynamic' })).text;
    const tampered = dynamic.slice(0, -1) + (dynamic.endsWith('0') ? '1' : '0');
    await expect(cards.verifyCode(HIS, { code: 'hello', ...SCAN })).rejects.toMatchObject({
      code: 'QR_MALFORMED',
    });
    await expect(cards.verifyCode(HIS, { code: tampered, ...SCAN })).rejects.toMatchObject({
      code: 'QR_TAMPERED',
    });
    await expect(cards.verifyCode(HIS, { code: `${'A'.repeat(64)}:1`, ...SCAN })).rejects.toMatchObject({
      code: 'QR_CARD_UNKNOWN',
    });

    const signed = (await cards.generateCode(HIS, card.ehcId, { type: 'static', signed: true })).text;
    expect(signed).toMatch(new RegExp(`^${card.ehcId}:1::370100:[0-9A-F]{128}$`));
    expect(await cards.verifyCode(HIS, { code: signed, ...SCAN })).toMatchObject({ presented: 'static' });
    const badSignature = signed.slice(0, -1) + (signed.endsWith('0') ? '1' : '0');
    await expect(cards.verifyCode(HIS, { code: badSignature, ...SCAN })).rejects.toMatchObject({
      code: 'QR_TAMPERED',
    });
    const foreign = signed.replace(':370100:', ':440100:');
    await expect(cards.verifyCode(HIS, { code: foreign, ...SCAN })).rejects.toMatchObject({
      code: 'QR_NODE_UNKNOWN',
    });
  });

  it('freezes, unfreezes and cancels with history, and refuses frozen and cancelled cards at the scanner', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    const staticCode = (await cards.generateCode(HIS, card.ehcId, { type: 'static' })).text;
    expect((await cards.freezeCard(HIS, card.ehcId, 'lost phone')).status).toBe('frozen');
    await expect(cards.verifyCode(HIS, { code: staticCode, ...SCAN })).rejects.toMatchObject({
      code: 'CARD_FROZEN',
    });
    await expect(cards.generateCode(HIS, card.ehcId, { type: 'dynamic' })).rejects.toMatchObject({
      code: 'CARD_FROZEN',
    });
    await expect(cards.freezeCard(HIS, card.ehcId, 'again')).rejects.toMatchObject({
      code: 'CARD_STATUS_CONFLICT',
    });
    expect((await cards.unfreezeCard(HIS, card.ehcId, 'found')).status).toBe('active');
    expect((await cards.cancelCard(HIS, card.ehcId, 'duplicate registration')).status).toBe('cancelled');
    await expect(cards.verifyCode(HIS, { code: staticCode, ...SCAN })).rejects.toMatchObject({
      code: 'CARD_CANCELLED',
    });
    await expect(cards.cancelCard(HIS, card.ehcId, 'twice')).rejects.toMatchObject({
      code: 'CARD_CANCELLED',
    });
    const history = await cards.history(HIS, card.ehcId);
    expect(history.map((event) => event.event)).toEqual(['issued', 'frozen', 'unfrozen', 'cancelled']);
    expect(history[3]?.reason).toBe('duplicate registration');
  });

  it('modifies holder data with masked before-and-after history', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    const changed = await cards.modifyHolder(HIS, card.ehcId, {
      cellphone: '13900001111',
      address: '山东省青岛市市南区香港中路2号',
    });
    expect(changed.holder.cellphone).toBe('13900001111');
    await expect(cards.modifyHolder(HIS, card.ehcId, { cellphone: '123' })).rejects.toMatchObject({
      code: 'PHONE_INVALID',
    });
    const history = await cards.history(HIS, card.ehcId);
    const modified = history.find((event) => event.event === 'holder_modified');
    expect(modified?.changes).toEqual({
      cellphone: { before: '138****1234', after: '139****1111' },
      address: { before: '山东省济南市****', after: '山东省青岛市****' },
    });
    expect(JSON.stringify(history)).not.toContain('13900001111');
  });

  it('leaves an intact SM3 audit chain behind every operation', async () => {
    const { card } = await cards.registerCard(HIS, register(ZHANG));
    const code = await cards.generateCode(HIS, card.ehcId, { type: 'dynamic' });
    await cards.verifyCode(HIS, { code: code.text, ...SCAN });
    await cards.getCard(PORTAL, card.ehcId);
    expect(await chainPendingAuditEntries(database.db)).toBe(4);
    const actions = await database.db.selectFrom('audit_log').select('action').orderBy('seq').execute();
    expect(actions.map((row) => row.action)).toEqual([
      'card.register',
      'card.code.generate',
      'card.verify',
      'card.read',
    ]);
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, entries: 4 });
    const logged = JSON.stringify(await database.db.selectFrom('audit_log').selectAll().execute());
    expect(logged).not.toContain(ZHANG.idNo);
  });
});
