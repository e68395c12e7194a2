import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/institutions-app.js';
import { BACKENDS } from '../../testing/test-backends.js';

const uniqueOrgCode = () => `T${randomBytes(6).toString('hex').toUpperCase()}`;

describe.each(BACKENDS)('institutions admin API on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('adds, reads, changes and lists institutions; rejects duplicates, bad regions and bad codes', async () => {
    const orgCode = uniqueOrgCode();
    const created = await t.admin('POST', '/api/admin/orgs', {
      orgCode,
      name: '济南市第一人民医院',
      region: '370102',
      level: '三级甲等',
      type: '综合医院',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orgCode, region: '370102', level: '三级甲等', valid: true });

    expect((await t.admin('GET', `/api/admin/orgs/${orgCode}`)).body.name).toBe('济南市第一人民医院');
    const changed = await t.admin('PATCH', `/api/admin/orgs/${orgCode}`, { level: '三级乙等', valid: false });
    expect(changed.body).toMatchObject({ level: '三级乙等', valid: false });
    const list = await t.admin('GET', '/api/admin/orgs');
    expect(list.body.orgs.map((org: { orgCode: string }) => org.orgCode)).toContain(orgCode);

    const duplicate = await t.admin('POST', '/api/admin/orgs', { orgCode, name: 'x', region: '370102' });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'ORG_CODE_TAKEN' } } });
    const badRegion = await t.admin('POST', '/api/admin/orgs', {
      orgCode: uniqueOrgCode(),
      name: 'x',
      region: '999999',
    });
    expect(badRegion).toMatchObject({ status: 400, body: { error: { code: 'REGION_INVALID' } } });
    const badCode = await t.admin('POST', '/api/admin/orgs', {
      orgCode: 'no spaces!',
      name: 'x',
      region: '370102',
    });
    expect(badCode).toMatchObject({ status: 400, body: { error: { code: 'ORG_CODE_INVALID' } } });
    const missing = await t.admin('GET', '/api/admin/orgs/NOSUCHORG0');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ORG_NOT_FOUND' } } });
    const noName = await t.admin('POST', '/api/admin/orgs', { orgCode: uniqueOrgCode(), region: '370102' });
    expect(noName).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('adds departments and terminals (code = org code + department code by default)', async () => {
    const orgCode = uniqueOrgCode();
    await t.admin('POST', '/api/admin/orgs', { orgCode, name: '医院', region: '370100' });
    const department = await t.admin('POST', `/api/admin/orgs/${orgCode}/departments`, {
      deptCode: '0300',
      name: '内科',
    });
    expect(department).toMatchObject({ status: 201, body: { orgCode, deptCode: '0300', name: '内科' } });
    expect(
      (await t.admin('POST', `/api/admin/orgs/${orgCode}/departments`, { deptCode: '0300', name: '内科' }))
        .body.error.code,
    ).toBe('DEPARTMENT_CODE_TAKEN');
    expect(
      (await t.admin('POST', `/api/admin/orgs/${orgCode}/departments`, { deptCode: '03', name: '内科' })).body
        .error.code,
    ).toBe('DEPARTMENT_CODE_INVALID');
    expect(
      (await t.admin('POST', '/api/admin/orgs/NOSUCHORG0/departments', { deptCode: '0300', name: '内科' }))
        .body.error.code,
    ).toBe('ORG_NOT_FOUND');
    const departments = await t.admin('GET', `/api/admin/orgs/${orgCode}/departments`);
    expect(departments.body.departments).toHaveLength(1);

    const terminal = await t.admin('POST', '/api/admin/terminals', {
      orgCode,
      deptCode: '0300',
      typeCode: '01',
    });
    expect(terminal).toMatchObject({
      status: 201,
      body: { terminalCode: `${orgCode}0300`, orgCode, deptCode: '0300', typeCode: '01' },
    });
    expect(
      (await t.admin('POST', '/api/admin/terminals', { orgCode, deptCode: '0300', typeCode: '01' })).body
        .error.code,
    ).toBe('TERMINAL_CODE_TAKEN');
    expect((await t.admin('POST', '/api/admin/terminals', { orgCode, typeCode: '03' })).body.error.code).toBe(
      'TERMINAL_TYPE_INVALID',
    );
    expect(
      (await t.admin('POST', '/api/admin/terminals', { orgCode, deptCode: '5600', typeCode: '02' })).body
        .error.code,
    ).toBe('DEPARTMENT_NOT_FOUND');
    const kiosk = await t.admin('POST', '/api/admin/terminals', {
      orgCode,
      terminalCode: `${orgCode}K1`,
      typeCode: '02',
    });
    expect(kiosk.body).toMatchObject({ terminalCode: `${orgCode}K1`, deptCode: null });
    const terminals = await t.admin('GET', `/api/admin/terminals?orgCode=${orgCode}`);
    expect(terminals.body.terminals.map((x: { terminalCode: string }) => x.terminalCode)).toEqual([
      `${orgCode}0300`,
      `${orgCode}K1`,
    ]);
  });

  it('creates apps with a 32-hex secret shown once, lists them without secrets, rotates', async () => {
    const orgCode = uniqueOrgCode();
    await t.admin('POST', '/api/admin/orgs', { orgCode, name: '医院', region: '370100' });
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode,
      name: 'HIS',
      scopes: ['register', 'verify', 'query', 'report'],
      rateLimitPerMinute: 120,
      compat: { bizContentEncoding: 'base64' },
    });
    expect(created.status).toBe(201);
    expect(created.body.appSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(created.body.app).toMatchObject({
      orgCode,
      scopes: ['register', 'verify', 'query', 'report'],
      rateLimitPerMinute: 120,
      compat: { bizContentEncoding: 'base64', digestMode: 'standard', algorithms: 'sm' },
    });
    const appId: string = created.body.app.appId;

    const list = await t.admin('GET', '/api/admin/apps');
    expect(JSON.stringify(list.body)).not.toContain(created.body.appSecret);
    expect(list.body.apps.map((app: { appId: string }) => app.appId)).toContain(appId);
    expect((await t.admin('GET', `/api/admin/apps/${appId}`)).body.name).toBe('HIS');

    const rotated = await t.admin('POST', `/api/admin/apps/${appId}/rotate`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.appSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(rotated.body.appSecret).not.toBe(created.body.appSecret);
    expect(rotated.body.secretVersion).toBe(2);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(3500_000);

    // The database never holds a plaintext secret.
    const rows = await t.runtime.database.db.selectFrom('app_secrets').select('encrypted_secret').execute();
    for (const row of rows) expect(row.encrypted_secret).not.toContain(created.body.appSecret);

    const platform = await t.admin('POST', '/api/admin/apps', { name: 'portal', scopes: ['query'] });
    expect(platform.body.app.orgCode).toBeNull();

    const cases: [unknown, string][] = [
      [{ orgCode, name: 'x', scopes: ['register', 'fly'] }, 'SCOPE_INVALID'],
      [{ orgCode: 'NOSUCHORG0', name: 'x', scopes: ['query'] }, 'ORG_NOT_FOUND'],
      [{ orgCode, name: 'x', scopes: [] }, 'VALIDATION_FAILED'],
      [{ orgCode, name: 'x', scopes: ['query'], rateLimitPerMinute: 0 }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      expect((await t.admin('POST', '/api/admin/apps', body)).body.error.code).toBe(code);
    }
    expect((await t.admin('POST', '/api/admin/apps/nosuchapp/rotate', {})).body.error.code).toBe(
      'APP_NOT_FOUND',
    );
    expect(
      (await t.admin('POST', `/api/admin/apps/${appId}/rotate`, { overlapSeconds: -1 })).body.error.code,
    ).toBe('VALIDATION_FAILED');
  });

  it('refuses the admin API without the operator token', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/admin/orgs' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHORIZED');
  });

  it('documents the routes in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/api/admin/orgs',
      '/api/admin/orgs/{code}/departments',
      '/api/admin/terminals',
      '/api/admin/apps',
      '/api/admin/apps/{appId}/rotate',
      '/api/v1/whoami',
    ]) {
      expect(spec.paths[path]).toBeDefined();
    }
  });
});
