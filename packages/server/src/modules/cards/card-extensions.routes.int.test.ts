/** REST routes of newborn cards, temporary cards and family accounts, through signed requests. */
import { computeCheckCharacter } from '@ehc/gm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/institutions-app.js';
import { type AppCredentials, signedInject } from '../../testing/signed-request.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { importRegistryLines } from '../identity/registry-import.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';

const ORG = '12370100MB0000001X';
const MOTHER_17 = '37010219900315002';
const MOTHER = {
  id_type: '01',
  id_no: MOTHER_17 + computeCheckCharacter(MOTHER_17),
  name: '张丽',
  gender: '2',
  birthday: '1990-03-15',
  channel: '0100',
};
const CHILD_17 = '37010220261120001';
const CHILD_ID = CHILD_17 + computeCheckCharacter(CHILD_17);
const SCAN = { medstepcode: '010101', terminalcode: `${ORG}0100`, channelcode: '01' };

type Credentials = AppCredentials;

describe.each(BACKENDS)('card extensions REST API on %s', (backend) => {
  let t: TestApp;
  let his: Credentials;
  let queryOnly: Credentials;
  let motherEhcId: string;

  async function call(
    credentials: Credentials,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ) {
    const response = await signedInject(t.app, credentials, method, url, body);
    return { status: response.statusCode, body: response.json() };
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    await t.admin('POST', '/api/admin/orgs', { orgCode: ORG, name: '济南市妇幼保健院', region: '370102' });
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode: ORG,
      name: 'HIS',
      scopes: ['register', 'verify', 'query', 'report'],
    });
    his = { appId: created.body.app.appId, secret: created.body.appSecret };
    const reader = await t.admin('POST', '/api/admin/apps', {
      orgCode: ORG,
      name: 'reader',
      scopes: ['query'],
    });
    queryOnly = { appId: reader.body.app.appId, secret: reader.body.appSecret };
    const protector = await createPersonalDataProtector(t.runtime.database.db, t.runtime.cipher);
    async function* lines() {
      yield 'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on';
      yield `01,${MOTHER.id_no},张丽,2,1990-03-15,01,济南市历下区,370102,`;
      yield '01,11010020171225006X,张三,2,2017-12-25,01,北京市东城区,110101,';
    }
    await importRegistryLines(t.runtime.database.db, protector, lines());
    motherEhcId = (await call(his, 'POST', '/api/v1/cards', MOTHER)).body.ehealth_card_id;
  });
  afterAll(async () => t?.close());

  it("issues a newborn's card, upgrades it, and keeps the old EHC ID resolving", async () => {
    const body = {
      channel: '0100',
      guardian: { ehealth_card_id: motherEhcId },
      guardian_relation: 'mother',
      child: {
        name: '张某之子',
        gender: '1',
        birth_time: '2026-11-20T08:30:00+08:00',
        birth_certificate_no: 'Q370123456',
        parity: 1,
        birth_order: 1,
      },
    };
    expect((await call(queryOnly, 'POST', '/api/v1/newborn-cards', body)).status).toBe(403);
    const issued = await call(his, 'POST', '/api/v1/newborn-cards', body);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      kind: 'newborn',
      created: true,
      holder: { id_type: '111', name: '张某之子', birthday: '2026-11-20' },
      newborn: {
        guardian: { ehealth_card_id: motherEhcId, relation: 'mother' },
        parity: 1,
        provisional_name: true,
      },
    });
    const oldId = issued.body.ehealth_card_id;
    expect((await call(his, 'POST', '/api/v1/newborn-cards', body)).status).toBe(200);
    const bad = await call(his, 'POST', '/api/v1/newborn-cards', {
      ...body,
      child: { ...body.child, parity: 0 },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'PARITY_INVALID' } } });

    const upgraded = await call(his, 'POST', `/api/v1/cards/${oldId}/upgrade`, {
      id_no: CHILD_ID,
      name: '张小明',
    });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({
      previous_ehealth_card_id: oldId,
      holder: { id_type: '01', name: '张小明' },
    });
    const newId = upgraded.body.ehealth_card_id;
    const byOld = await call(his, 'GET', `/api/v1/cards/${oldId}`);
    expect(byOld.body).toMatchObject({ ehealth_card_id: newId, presented_ehealth_card_id: oldId });
    const verified = await call(his, 'POST', '/api/v1/verifications', {
      ...SCAN,
      ehealth_code: `${oldId}:1`,
    });
    expect(verified.body).toMatchObject({ ehealth_card_id: newId, presented_ehealth_card_id: oldId });
    expect((await call(his, 'GET', `/api/v1/cards/${newId}/newborn`)).body.upgraded_at).not.toBeNull();
    const again = await call(his, 'POST', `/api/v1/cards/${newId}/upgrade`, { id_no: CHILD_ID });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'NEWBORN_ALREADY_UPGRADED' } } });
    const history = await call(his, 'GET', `/api/v1/cards/${oldId}/history`);
    expect(history.body.events.map((event: { event: string }) => event.event)).toEqual([
      'issued',
      'upgraded',
    ]);
  });

  it('issues a temporary card, verifies its :9 code, and merges it with its card uses into a formal card', async () => {
    const issued = await call(his, 'POST', '/api/v1/temporary-cards', { channel: '0100' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ kind: 'temporary', holder: { name: null, birthday: null } });
    expect(issued.body.ehealth_code).toBe(`${issued.body.mindex_id}:9`);
    const tempId = issued.body.ehealth_card_id;
    const verified = await call(his, 'POST', '/api/v1/verifications', {
      ...SCAN,
      ehealth_code: issued.body.ehealth_code,
    });
    expect(verified.body).toMatchObject({ ehealth_card_id: tempId, presented: 'temporary' });

    const merged = await call(his, 'POST', `/api/v1/temporary-cards/${tempId}/merge`, {
      into_ehealth_card_id: motherEhcId,
    });
    expect(merged).toMatchObject({ status: 200, body: { ehealth_card_id: motherEhcId, moved_card_uses: 1 } });
    const again = await call(his, 'POST', '/api/v1/verifications', {
      ...SCAN,
      ehealth_code: issued.body.ehealth_code,
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'TEMPORARY_CARD_MERGED' } } });
    expect((await call(his, 'GET', `/api/v1/cards/${tempId}`)).body.status).toBe('cancelled');
  });

  it('opens a resident account, registers a minor as guardian, shows their code, and enforces the rules', async () => {
    const opened = await call(his, 'POST', '/api/v1/accounts', { owner_ehealth_card_id: motherEhcId });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ owner_ehealth_card_id: motherEhcId, max_members: 8, members: [] });
    const accountId = opened.body.account_id;
    expect((await call(his, 'POST', '/api/v1/accounts', { owner_ehealth_card_id: motherEhcId })).status).toBe(
      200,
    );
    expect(
      (await call(queryOnly, 'POST', '/api/v1/accounts', { owner_ehealth_card_id: motherEhcId })).status,
    ).toBe(403);

    const minor = await call(his, 'POST', `/api/v1/accounts/${accountId}/minors`, {
      id_type: '01',
      id_no: '11010020171225006X',
      name: '张三',
      gender: '2',
      birthday: '2017-12-25',
      channel: '0403',
      relation: 'child',
    });
    expect(minor).toMatchObject({ status: 201, body: { created: true, holder: { name: '张三' } } });
    const minorId = minor.body.ehealth_card_id;
    const account = await call(queryOnly, 'GET', `/api/v1/accounts/${accountId}`);
    expect(account.body.members).toEqual([
      {
        ehealth_card_id: minorId,
        name: '张三',
        kind: 'formal',
        status: 'active',
        relation: 'child',
        guardian: true,
      },
    ]);
    const code = await call(queryOnly, 'POST', `/api/v1/accounts/${accountId}/members/${minorId}/code`, {
      type: 'dynamic',
    });
    expect(code.status).toBe(200);
    expect(code.body.ehealth_code.startsWith(`${minorId}:0:`)).toBe(true);

    const adult = await call(his, 'POST', `/api/v1/accounts/${accountId}/members`, {
      ehealth_card_id: motherEhcId,
      relation: 'other',
      guardian: false,
    });
    expect(adult).toMatchObject({ status: 409, body: { error: { code: 'FAMILY_MEMBER_EXISTS' } } });
    const unlinked = await call(his, 'DELETE', `/api/v1/accounts/${accountId}/members/${minorId}`);
    expect(unlinked.body.members).toEqual([]);
    const gone = await call(queryOnly, 'POST', `/api/v1/accounts/${accountId}/members/${minorId}/code`, {
      type: 'static',
    });
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'FAMILY_MEMBER_NOT_FOUND' } } });
  });
});
