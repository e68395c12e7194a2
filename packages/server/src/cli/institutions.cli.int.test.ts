import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, startServerProcess } from '../testing/processes.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';

function expectOneLineError(result: CliResult, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ehc: error/);
  expect(lines[0]).toMatch(pattern);
}

/** org add → app add → rotate → list; the same whether direct or via the server. */
async function exerciseOrgAndApp(env: Record<string, string>) {
  const code = `C${randomBytes(5).toString('hex').toUpperCase()}`;
  const added = await runCli(
    [
      'org',
      'add',
      '--code',
      code,
      '--name',
      '济南市中心医院',
      '--region',
      '370102',
      '--level',
      '三级甲等',
      '--json',
    ],
    env,
  );
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({
    orgCode: code,
    region: '370102',
    level: '三级甲等',
    valid: true,
  });

  const listed = await runCli(['org', 'list', '--json'], env);
  expect(JSON.parse(listed.stdout).orgs.map((o: { orgCode: string }) => o.orgCode)).toContain(code);
  expect((await runCli(['org', 'list'], env)).stdout).toContain(`${code}\t370102\tvalid`);

  const app = await runCli(
    [
      'app',
      'add',
      '--org',
      code,
      '--name',
      'HIS',
      '--scopes',
      'register,verify,query,report',
      '--rate-limit',
      '600',
      '--json',
    ],
    env,
  );
  expect(app.code).toBe(0);
  const created = JSON.parse(app.stdout);
  expect(created.app_id).toMatch(/^[0-9a-f]{16}$/);
  expect(created.app_secret).toMatch(/^[0-9a-f]{32}$/);
  expect(created.app).toMatchObject({ orgCode: code, rateLimitPerMinute: 600 });
  expect(app.stderr).toContain('shown only now');

  const rotated = await runCli(['app', 'rotate', created.app_id, '--overlap-hours', '2', '--json'], env);
  expect(rotated.code).toBe(0);
  const rotation = JSON.parse(rotated.stdout);
  expect(rotation).toMatchObject({ app_id: created.app_id, secret_version: 2 });
  expect(rotation.app_secret).not.toBe(created.app_secret);
  const overlapMs = Date.parse(rotation.previous_secret_valid_until) - Date.now();
  expect(overlapMs).toBeGreaterThan(7100_000);
  expect(overlapMs).toBeLessThanOrEqual(7200_000);

  const apps = await runCli(['app', 'list', '--json'], env);
  expect(apps.code).toBe(0);
  expect(JSON.parse(apps.stdout).apps.map((a: { appId: string }) => a.appId)).toContain(created.app_id);
  const plain = await runCli(['app', 'list'], env);
  for (const output of [apps.stdout, plain.stdout]) {
    expect(output).not.toContain(created.app_secret);
    expect(output).not.toContain(rotation.app_secret);
  }
  return { code, appId: created.app_id as string };
}

/** One-line errors and a non-zero exit for bad input, given an existing institution and app. */
async function exerciseErrors(env: Record<string, string>, code: string, appId: string) {
  expectOneLineError(
    await runCli(['org', 'add', '--code', code, '--name', 'x', '--region', '370102'], env),
    /ORG_CODE_TAKEN/,
  );
  expectOneLineError(
    await runCli(['org', 'add', '--code', `${code}X`, '--name', 'x', '--region', '990100'], env),
    /REGION_INVALID/,
  );
  expectOneLineError(
    await runCli(['org', 'add', '--code', `${code}Y`, '--name', 'x'], env),
    /required option '--region/,
  );
  expectOneLineError(
    await runCli(['app', 'add', '--org', code, '--name', 'x', '--scopes', 'verify,teleport'], env),
    /SCOPE_INVALID/,
  );
  expectOneLineError(
    await runCli(['app', 'add', '--org', 'NOSUCHORG0', '--name', 'x', '--scopes', 'verify'], env),
    /ORG_NOT_FOUND/,
  );
  expectOneLineError(
    await runCli(
      ['app', 'add', '--org', code, '--name', 'x', '--scopes', 'verify', '--rate-limit', 'lots'],
      env,
    ),
    /--rate-limit must be a whole number/,
  );
  expectOneLineError(await runCli(['app', 'rotate', 'nosuchapp'], env), /APP_NOT_FOUND/);
  expectOneLineError(await runCli(['app', 'rotate', appId, '--overlap-hours', '-1'], env), /--overlap-hours/);
}

describe.each(BACKENDS)('ehc org and ehc app directly on %s', (backend) => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment(backend);
    if (backend === 'postgres') {
      expect((await runCli(['db', 'migrate'], environment.env)).code).toBe(0);
      expect((await runCli(['keys', 'init'], environment.env)).code).toBe(0);
    }
  });
  afterAll(async () => environment.cleanup());

  let made: { code: string; appId: string };
  it('adds, lists and rotates', async () => {
    made = await exerciseOrgAndApp(environment.env);
  }, 180_000);

  it('prints one-line errors for bad input', async () => {
    await exerciseErrors(environment.env, made.code, made.appId);
  }, 180_000);
});

describe('ehc org and ehc app through a running server on the embedded database', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment('pglite');
  });
  afterAll(async () => environment.cleanup());

  it('sends every command through the admin API while the server holds the directory', async () => {
    const server = await startServerProcess(environment.env);
    try {
      const made = await exerciseOrgAndApp(environment.env);
      await exerciseErrors(environment.env, made.code, made.appId);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    // What went through the server is in the database the CLI now opens itself.
    const listed = JSON.parse((await runCli(['app', 'list', '--json'], environment.env)).stdout);
    expect(listed.apps).toHaveLength(1);
  }, 300_000);
});
