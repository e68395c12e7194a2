/** Family (A5): resident accounts linking family members' cards, guardians registering minors. */
import { computeCheckCharacter } from '@ehc/gm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CardsServiceEnv,
  createCardsServiceEnv,
  TEST_CARDS_CONFIG,
} from '../../testing/cards-service-env.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { createAuditLog, verifyAuditChain } from '../audit/audit.service.js';
import type { CardActor } from './cards.service.js';
import { createFamilyService, type FamilyService, isMinor } from './family.service.js';

const MOTHER_17 = '37010219900315002';
const MOTHER = {
  idType: '01',
  idNo: MOTHER_17 + computeCheckCharacter(MOTHER_17),
  name: '张丽',
  gender: '2',
  birthday: '1990-03-15',
};
const FATHER_17 = '37010219880101003';
const FATHER = {
  idType: '01',
  idNo: FATHER_17 + computeCheckCharacter(FATHER_17),
  name: '王强',
  gender: '1',
  birthday: '1988-01-01',
};
const CHILD = { idType: '01', idNo: '11010020171225006X', name: '张三', gender: '2', birthday: '2017-12-25' };
const REGISTRY = [
  `01,${MOTHER.idNo},${MOTHER.name},2,1990-03-15,01,济南市历下区,370102,`,
  `01,${FATHER.idNo},${FATHER.name},1,1988-01-01,01,济南市历下区,370102,`,
  `01,${CHILD.idNo},${CHILD.name},2,2017-12-25,01,北京市东城区,110101,`,
];
const APP: CardActor = { kind: 'app', appId: 'resident-app', orgCode: null, scopes: ['register', 'query'] };
const HIS: CardActor = {
  kind: 'app',
  appId: 'his-app',
  orgCode: '12370100MB0000001X',
  scopes: ['register', 'verify', 'query', 'report'],
};

describe.each(BACKENDS)('family accounts on %s', (backend) => {
  let t: CardsServiceEnv;
  let family: FamilyService;
  let motherEhcId: string;
  let fatherEhcId: string;

  const buildFamily = (familyMaxMembers = 8) =>
    createFamilyService({
      db: t.database.db,
      cards: t.cards,
      audit: createAuditLog(),
      config: { ...TEST_CARDS_CONFIG, familyMaxMembers },
      now: () => t.clock.now,
    });

  beforeEach(async () => {
    t = await createCardsServiceEnv(backend, REGISTRY);
    family = buildFamily();
    motherEhcId = (await t.cards.registerCard(APP, { ...MOTHER, channel: '0403' })).card.ehcId;
    fatherEhcId = (await t.cards.registerCard(APP, { ...FATHER, channel: '0403' })).card.ehcId;
  });
  afterEach(async () => t.close());

  it('opens one account per owner and links, lists and unlinks members with their relation', async () => {
    const opened = await family.openAccount(APP, motherEhcId);
    expect(opened).toMatchObject({
      created: true,
      account: { ownerEhcId: motherEhcId, maxMembers: 8, members: [] },
    });
    const again = await family.openAccount(APP, motherEhcId);
    expect(again).toMatchObject({ created: false, account: { accountId: opened.account.accountId } });
    const id = opened.account.accountId;

    const linked = await family.addMember(APP, id, {
      ehcId: fatherEhcId,
      relation: 'spouse',
      guardian: false,
    });
    expect(linked.members).toEqual([
      {
        ehcId: fatherEhcId,
        name: '王强',
        kind: 'formal',
        status: 'active',
        relation: 'spouse',
        guardian: false,
      },
    ]);
    expect(await family.getAccount(APP, id)).toEqual(linked);
    await expect(
      family.addMember(APP, id, { ehcId: fatherEhcId, relation: 'spouse', guardian: false }),
    ).rejects.toMatchObject({
      code: 'FAMILY_MEMBER_EXISTS',
    });
    await expect(
      family.addMember(APP, id, { ehcId: motherEhcId, relation: 'other', guardian: false }),
    ).rejects.toMatchObject({
      code: 'FAMILY_MEMBER_EXISTS',
    });
    await expect(
      family.addMember(APP, id, { ehcId: fatherEhcId, relation: 'cousin', guardian: false }),
    ).rejects.toMatchObject({
      code: 'FAMILY_RELATION_INVALID',
    });
    await expect(
      family.addMember(APP, id, { ehcId: 'A'.repeat(64), relation: 'child', guardian: false }),
    ).rejects.toMatchObject({
      code: 'CARD_NOT_FOUND',
    });

    expect((await family.removeMember(APP, id, fatherEhcId)).members).toEqual([]);
    await expect(family.removeMember(APP, id, fatherEhcId)).rejects.toMatchObject({
      code: 'FAMILY_MEMBER_NOT_FOUND',
    });
    await expect(family.getAccount(APP, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
    });
    await expect(family.getAccount(APP, 'not-a-uuid')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    const temporary = await t.cards.issueTemporaryCard(APP, { channel: '0100' });
    await expect(family.openAccount(APP, temporary.card.ehcId)).rejects.toMatchObject({
      code: 'CARD_KIND_UNSUPPORTED',
    });
  });

  it("lets a guardian register a minor and show the minor's code, and no one else's", async () => {
    const { account } = await family.openAccount(APP, motherEhcId);
    const id = account.accountId;
    const minor = await family.registerMinor(APP, id, { ...CHILD, channel: '0403' });
    expect(minor).toMatchObject({ created: true, card: { holder: { name: '张三' } } });
    expect(minor.account.members).toEqual([
      expect.objectContaining({ ehcId: minor.card.ehcId, relation: 'child', guardian: true }),
    ]);
    // Registering the same minor again links nothing twice and returns the same card.
    const repeated = await family.registerMinor(APP, id, { ...CHILD, channel: '0403' });
    expect(repeated).toMatchObject({ created: false, card: { ehcId: minor.card.ehcId } });
    expect(repeated.account.members).toHaveLength(1);

    const code = await family.memberCode(APP, id, minor.card.ehcId, { type: 'dynamic' });
    expect(code.text.startsWith(`${minor.card.ehcId}:0:`)).toBe(true);
    const verified = await t.cards.verifyCode(HIS, {
      code: code.text,
      sceneCode: '010101',
      terminalCode: '12370100MB0000001X0100',
      channelCode: '01',
    });
    expect(verified.ehcId).toBe(minor.card.ehcId);

    await expect(family.registerMinor(APP, id, { ...FATHER, channel: '0403' })).rejects.toMatchObject({
      code: 'FAMILY_NOT_MINOR',
    });
    await expect(
      family.addMember(APP, id, { ehcId: fatherEhcId, relation: 'spouse', guardian: true }),
    ).rejects.toMatchObject({
      code: 'FAMILY_NOT_MINOR',
    });
    await family.addMember(APP, id, { ehcId: fatherEhcId, relation: 'spouse', guardian: false });
    await expect(family.memberCode(APP, id, fatherEhcId, { type: 'static' })).rejects.toMatchObject({
      code: 'FAMILY_NOT_GUARDIAN',
    });
    const stranger = await family.openAccount(APP, fatherEhcId);
    await expect(
      family.memberCode(APP, stranger.account.accountId, minor.card.ehcId, { type: 'static' }),
    ).rejects.toMatchObject({ code: 'FAMILY_MEMBER_NOT_FOUND' });
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ intact: true });
  });

  it('holds the account to EHC_FAMILY_MAX_MEMBERS', async () => {
    const small = buildFamily(1);
    const { account } = await small.openAccount(APP, motherEhcId);
    await small.addMember(APP, account.accountId, {
      ehcId: fatherEhcId,
      relation: 'spouse',
      guardian: false,
    });
    await expect(
      small.registerMinor(APP, account.accountId, { ...CHILD, channel: '0403' }),
    ).rejects.toMatchObject({
      code: 'FAMILY_LIMIT_REACHED',
      details: { maxMembers: 1 },
    });
    const temporary = await t.cards.issueTemporaryCard(APP, { channel: '0100' });
    await expect(
      small.addMember(APP, account.accountId, {
        ehcId: temporary.card.ehcId,
        relation: 'other',
        guardian: false,
      }),
    ).rejects.toMatchObject({ code: 'FAMILY_LIMIT_REACHED' });
  });

  it('counts a minor until the 18th birthday in China Standard Time', () => {
    expect(isMinor('2008-11-22', new Date('2026-11-21T15:59:59Z'))).toBe(true);
    expect(isMinor('2008-11-22', new Date('2026-11-21T16:00:00Z'))).toBe(false);
    expect(isMinor(null, new Date())).toBe(false);
  });
});
