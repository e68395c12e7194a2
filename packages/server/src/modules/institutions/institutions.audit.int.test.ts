import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/institutions-app.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { chainAndVerifyAuditLog, searchAuditLog } from '../audit/audit.service.js';

describe.each(BACKENDS)('admin actions on institutions are audited on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('records adding an institution, a department, a terminal, an app and a rotation, without secrets', async () => {
    const orgCode = '12370100MB0000009X';
    expect(
      (await t.admin('POST', '/api/admin/orgs', { orgCode, name: '济南市中心医院', region: '370102' }))
        .status,
    ).toBe(201);
    await t.admin('POST', `/api/admin/orgs/${orgCode}/departments`, { deptCode: '0100', name: '内科' });
    await t.admin('POST', '/api/admin/terminals', { orgCode, deptCode: '0100', typeCode: '01' });
    const app = await t.admin('POST', '/api/admin/apps', { orgCode, name: 'HIS', scopes: ['verify'] });
    const rotated = await t.admin('POST', `/api/admin/apps/${app.body.app.appId}/rotate`, {});
    const db = t.runtime.database.db;
    const report = await chainAndVerifyAuditLog(db);
    expect(report).toMatchObject({ intact: true, pending: 0 });
    const actions = (await searchAuditLog(db, { limit: 50 })).map((entry) => entry.action).reverse();
    expect(actions).toEqual(['org.add', 'org.department.add', 'org.terminal.add', 'app.add', 'app.rotate']);
    const logged = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    expect(logged).not.toContain(app.body.appSecret);
    expect(logged).not.toContain(rotated.body.appSecret);
  });
});
