/** Newborn cards (A3): issued on a guardian's identity, later upgraded to the child's own ID number. */
import { computeCheckCharacter } from '@ehc/gm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardsServiceEnv, createCardsServiceEnv } from '../../testing/cards-service-env.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { verifyAuditChain } from '../audit/audit.service.js';
import type { CardActor, RegisterNewbornInput } from './cards.service.js';

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
const CHILD_17 = '37010220261120001';
const CHILD_ID = CHILD_17 + computeCheckCharacter(CHILD_17);
const REGISTRY = [
  `01,${MOTHER.idNo},${MOTHER.name},2,1990-03-15,01,济南市历下区,370102,`,
  `01,${FATHER.idNo},${FATHER.name},1,1988-01-01,01,济南市历下区,370102,`,
];
const HIS: CardActor = {
  kind: 'app',
  appId: 'his-app',
  orgCode: '12370100MB0000001X',
  scopes: ['register', 'verify', 'query', 'report'],
};
const SCAN = { sceneCode: '010101', terminalCode: '12370100MB0000001X0100', channelCode: '01' };

describe.each(BACKENDS)('newborn cards on %s', (backend) => {
  let t: CardsServiceEnv;
  let motherEhcId: string;

  const newborn = (
    guardian: RegisterNewbornInput['guardian'],
    child: Partial<RegisterNewbornInput['child']> = {},
  ): RegisterNewbornInput => ({
    channel: '0100',
    guardian,
    guardianRelation: 'mother',
    child: {
      name: '张某之子',
      gender: '1',
      birthTime: '2026-11-20T08:30:00+08:00',
      birthCertificateNo: 'Q370123456',
      parity: 1,
      birthOrder: 1,
      ...child,
    },
  });

  beforeEach(async () => {
    t = await createCardsServiceEnv(backend, REGISTRY);
    motherEhcId = (await t.cards.registerCard(HIS, { ...MOTHER, channel: '0100' })).card.ehcId;
  });
  afterEach(async () => t.close());

  it("issues the card on the guardian's active card, by the national algorithm, once per birth certificate", async () => {
    const first = await t.cards.registerNewborn(HIS, newborn({ ehcId: motherEhcId }));
    expect(first.created).toBe(true);
    expect(first.card).toMatchObject({
      kind: 'newborn',
      status: 'active',
      verificationLevel: 'guardian_card',
      holder: { idType: '111', idNo: 'Q370123456', name: '张某之子', gender: '1', birthday: '2026-11-20' },
    });
    const masterIndex = await t.cipher.computeMasterIndex({
      idType: '111',
      idNo: 'Q370123456',
      name: '张某之子',
    });
    expect(first.card.masterIndex).toBe(masterIndex);
    expect(first.card.ehcId).toBe(
      await t.cipher.computeEhcId({ masterIndex, idType: '111', idNo: 'Q370123456' }),
    );
    expect(first.newborn).toEqual({
      guardian: {
        ehcId: motherEhcId,
        idType: '01',
        idNo: expect.stringMatching(/^370\*+\w{4}$/),
        name: '张丽',
        relation: 'mother',
      },
      birthTime: '2026-11-20T00:30:00.000Z',
      parity: 1,
      birthOrder: 1,
      provisionalName: true,
      upgradedAt: null,
    });

    const again = await t.cards.registerNewborn(HIS, newborn({ ehcId: motherEhcId }));
    expect(again.created).toBe(false);
    expect(again.card.ehcId).toBe(first.card.ehcId);

    const twin = await t.cards.registerNewborn(
      HIS,
      newborn(
        { ehcId: motherEhcId },
        { name: '张某之女', gender: '2', birthCertificateNo: 'Q370123457', birthOrder: 2 },
      ),
    );
    expect(twin.created).toBe(true);
    expect(twin.newborn).toMatchObject({ birthOrder: 2, provisionalName: true });
    expect(await t.cards.getNewborn(HIS, twin.card.ehcId)).toEqual(twin.newborn);
  });

  it('accepts a guardian confirmed by real-name verification and refuses unverified guardians', async () => {
    const { card, newborn: facts } = await t.cards.registerNewborn(HIS, {
      ...newborn(FATHER, { name: '王小宝', birthCertificateNo: 'Q370999001' }),
      guardianRelation: 'father',
    });
    expect(card.verificationLevel).toBe('guardian_registry');
    expect(facts).toMatchObject({
      guardian: { ehcId: null, name: '王强', relation: 'father' },
      provisionalName: false,
    });

    const stranger17 = '37010219900202456';
    const stranger = {
      ...FATHER,
      idNo: stranger17 + computeCheckCharacter(stranger17),
      birthday: '1990-02-02',
      gender: '2',
    };
    await expect(
      t.cards.registerNewborn(HIS, newborn(stranger, { birthCertificateNo: 'Q370999002' })),
    ).rejects.toMatchObject({ code: 'GUARDIAN_NOT_VERIFIED', details: { reason: 'unknown' } });
    await expect(
      t.cards.registerNewborn(
        HIS,
        newborn({ ...FATHER, name: '王弱' }, { birthCertificateNo: 'Q370999003' }),
      ),
    ).rejects.toMatchObject({ code: 'GUARDIAN_NOT_VERIFIED', details: { reason: 'mismatch' } });
    await t.cards.freezeCard(HIS, motherEhcId, 'lost phone');
    await expect(t.cards.registerNewborn(HIS, newborn({ ehcId: motherEhcId }))).rejects.toMatchObject({
      code: 'GUARDIAN_NOT_VERIFIED',
      details: { reason: "the guardian's card is frozen" },
    });
    await expect(t.cards.registerNewborn(HIS, newborn({ ehcId: 'A'.repeat(64) }))).rejects.toMatchObject({
      code: 'GUARDIAN_NOT_VERIFIED',
    });
  });

  it('names each bad birth fact with its own code', async () => {
    const guardian = { ehcId: motherEhcId };
    const cases: [Partial<RegisterNewbornInput['child']>, string][] = [
      [{ birthTime: '2026-12-01T08:00:00+08:00' }, 'BIRTH_TIME_INVALID'],
      [{ birthTime: '2026-11-20 08:00' }, 'BIRTH_TIME_INVALID'],
      [{ parity: 0 }, 'PARITY_INVALID'],
      [{ birthOrder: 11 }, 'BIRTH_ORDER_INVALID'],
      [{ name: '' }, 'NAME_INVALID'],
      [{ gender: '7' }, 'GENDER_INVALID'],
      [{ birthCertificateNo: '#1' }, 'ID_NUMBER_INVALID'],
    ];
    for (const [child, code] of cases) {
      await expect(t.cards.registerNewborn(HIS, newborn(guardian, child))).rejects.toMatchObject({ code });
    }
  });

  it("upgrades to the child's own ID number: new EHC ID, the old one still resolves and verifies, history kept", async () => {
    const { card } = await t.cards.registerNewborn(HIS, newborn({ ehcId: motherEhcId }));
    const oldEhcId = card.ehcId;
    const upgraded = await t.cards.upgradeNewbornCard(HIS, oldEhcId, { idNo: CHILD_ID, name: '张小明' });
    const masterIndex = await t.cipher.computeMasterIndex({ idType: '01', idNo: CHILD_ID, name: '张小明' });
    expect(upgraded.previousEhcId).toBe(oldEhcId);
    expect(upgraded.card).toMatchObject({
      ehcId: await t.cipher.computeEhcId({ masterIndex, idType: '01', idNo: CHILD_ID }),
      masterIndex,
      kind: 'formal',
      holder: { idType: '01', idNo: CHILD_ID, name: '张小明' },
    });
    const newEhcId = upgraded.card.ehcId;
    expect(newEhcId).not.toBe(oldEhcId);

    const byOld = await t.cards.getCard(HIS, oldEhcId);
    expect(byOld).toMatchObject({ ehcId: newEhcId, presentedAlias: oldEhcId });
    expect((await t.cards.getCard(HIS, newEhcId)).presentedAlias).toBeUndefined();
    const verified = await t.cards.verifyCode(HIS, { ...SCAN, code: `${oldEhcId}:1` });
    expect(verified).toMatchObject({ ehcId: newEhcId, presentedAlias: oldEhcId, presented: 'static' });
    expect((await t.cards.findCardByIdentity(HIS, '01', CHILD_ID)).ehcId).toBe(newEhcId);
    const reported = await t.cards.reportCardUses(HIS, [
      { ...SCAN, sceneCode: '0101051', ehcId: oldEhcId, usedAt: new Date('2026-11-22T07:00:00Z') },
    ]);
    expect(reported).toEqual({ accepted: 1, duplicates: 0 });
    const uses = await t.database.db
      .selectFrom('card_use')
      .select('ehc_id')
      .where('scene_code', '=', '0101051')
      .execute();
    expect(uses).toEqual([{ ehc_id: newEhcId }]);

    const history = await t.cards.history(HIS, oldEhcId);
    expect(history.map((event) => event.event)).toEqual(['issued', 'upgraded']);
    expect(history[1]?.changes).toMatchObject({
      ehcId: { before: oldEhcId, after: newEhcId },
      idType: { before: '111', after: '01' },
      name: { before: '张某之子', after: '张小明' },
    });
    expect(JSON.stringify(history)).not.toContain(CHILD_ID);
    expect(await t.cards.getNewborn(HIS, newEhcId)).toMatchObject({
      provisionalName: false,
      upgradedAt: t.clock.now.toISOString(),
    });

    await expect(t.cards.upgradeNewbornCard(HIS, newEhcId, { idNo: CHILD_ID })).rejects.toMatchObject({
      code: 'NEWBORN_ALREADY_UPGRADED',
    });
    await expect(t.cards.upgradeNewbornCard(HIS, motherEhcId, { idNo: CHILD_ID })).rejects.toMatchObject({
      code: 'CARD_KIND_UNSUPPORTED',
    });
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ intact: true });
  });

  it('refuses an upgrade to a number another resident holds, or whose birth date or sex differs', async () => {
    const twin1 = await t.cards.registerNewborn(HIS, newborn({ ehcId: motherEhcId }));
    const twin2 = await t.cards.registerNewborn(
      HIS,
      newborn(
        { ehcId: motherEhcId },
        { birthCertificateNo: 'Q370123457', birthOrder: 2, name: '张某之子二' },
      ),
    );
    await t.cards.upgradeNewbornCard(HIS, twin1.card.ehcId, { idNo: CHILD_ID });
    await expect(t.cards.upgradeNewbornCard(HIS, twin2.card.ehcId, { idNo: CHILD_ID })).rejects.toMatchObject(
      {
        code: 'NEWBORN_UPGRADE_CONFLICT',
      },
    );
    await expect(
      t.cards.upgradeNewbornCard(HIS, twin2.card.ehcId, { idNo: MOTHER.idNo }),
    ).rejects.toMatchObject({
      code: 'ID_NUMBER_BIRTHDAY_MISMATCH',
    });
    const girl17 = '37010220261120002';
    await expect(
      t.cards.upgradeNewbornCard(HIS, twin2.card.ehcId, { idNo: girl17 + computeCheckCharacter(girl17) }),
    ).rejects.toMatchObject({ code: 'ID_NUMBER_GENDER_MISMATCH' });
    expect((await t.cards.getCard(HIS, twin2.card.ehcId)).holder.idType).toBe('111');
  });
});
