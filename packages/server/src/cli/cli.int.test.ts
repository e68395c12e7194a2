import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../migrations/index.js';
import { runCli, startServerProcess } from '../testing/processes.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';

const EHC_VECTOR = {
  masterIndex: 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E',
  securityKey: '0123456789ABCDEFFEDCBA9876543210',
  ehcId: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
};

function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ehc: error/);
  expect(lines[0]).toMatch(pattern);
}

describe('ehc gm', () => {
  const env = { EHC_LOG_LEVEL: 'silent' };
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehc-cli-gm-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sm3 prints the GB/T 32905 digest of "abc", from text or hex', async () => {
    const digest = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
    expect((await runCli(['gm', 'sm3', 'abc'], env)).stdout).toBe(`${digest}\n`);
    expect((await runCli(['gm', 'sm3', '--hex', '616263'], env)).stdout).toBe(`${digest}\n`);
    expectOneLineError(await runCli(['gm', 'sm3', '--hex', 'xyz'], env), /not hexadecimal/);
  });

  it('ehc-id prints the published EHC ID alone on one line', async () => {
    const result = await runCli(
      [
        'gm',
        'ehc-id',
        '--id-type',
        '01',
        '--id-no',
        '11010020171225006X',
        '--master-index',
        EHC_VECTOR.masterIndex,
        '--security-key',
        EHC_VECTOR.securityKey,
      ],
      env,
    );
    expect(result).toMatchObject({ code: 0, stdout: `${EHC_VECTOR.ehcId}\n` });
    expectOneLineError(
      await runCli(
        [
          'gm',
          'ehc-id',
          '--id-type',
          '01',
          '--id-no',
          '1',
          '--master-index',
          'abc',
          '--security-key',
          EHC_VECTOR.securityKey,
        ],
        env,
      ),
      /--master-index/,
    );
    expectOneLineError(await runCli(['gm', 'ehc-id', '--id-type', '01'], env), /required option/);
  });

  it('qr-parse prints the fields of each QR form and rejects anything else', async () => {
    const parsed = JSON.parse((await runCli(['gm', 'qr-parse', `${EHC_VECTOR.ehcId}:1`], env)).stdout);
    expect(parsed).toEqual({ kind: 'static', ehcId: EHC_VECTOR.ehcId });
    const validity = 'A'.repeat(32);
    expect(
      JSON.parse((await runCli(['gm', 'qr-parse', `${EHC_VECTOR.ehcId}:0:${validity}`], env)).stdout),
    ).toEqual({
      kind: 'dynamic',
      ehcId: EHC_VECTOR.ehcId,
      validity,
    });
    expect(JSON.parse((await runCli(['gm', 'qr-parse', `${EHC_VECTOR.masterIndex}:9`], env)).stdout)).toEqual(
      {
        kind: 'temporary',
        masterIndex: EHC_VECTOR.masterIndex,
      },
    );
    expectOneLineError(await runCli(['gm', 'qr-parse', 'hello:1'], env), /not an EHC QR text/);
  });

  it('sm2-sign and sm2-verify interoperate with the OpenSSL command line both ways', async () => {
    const key = path.join(dir, 'key.pem');
    const pub = path.join(dir, 'pub.pem');
    const msg = path.join(dir, 'msg.txt');
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:SM2',
      '-out',
      key,
    ]);
    execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
    fs.writeFileSync(msg, '电子健康卡 interop test\n');

    // ours → OpenSSL
    const ours = path.join(dir, 'ours.der');
    const signed = await runCli(['gm', 'sm2-sign', '--key', key, '--in', msg, '--out', ours, '--json'], env);
    expect(signed.code).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ out: ours, format: 'der' });
    const opensslVerify = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-rawin',
        '-digest',
        'sm3',
        '-pkeyopt',
        'distid:1234567812345678',
        '-pubin',
        '-inkey',
        pub,
        '-in',
        msg,
        '-sigfile',
        ours,
      ],
      { encoding: 'utf8' },
    );
    expect(opensslVerify).toContain('Signature Verified Successfully');

    // OpenSSL → ours
    const theirs = path.join(dir, 'theirs.der');
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
      '-inkey',
      key,
      '-in',
      msg,
      '-out',
      theirs,
    ]);
    expect(await runCli(['gm', 'sm2-verify', '--key', pub, '--in', msg, '--sig', theirs], env)).toMatchObject(
      { code: 0, stdout: 'valid\n' },
    );

    // a changed message is rejected with exit 1
    fs.appendFileSync(msg, 'x');
    expect(await runCli(['gm', 'sm2-verify', '--key', pub, '--in', msg, '--sig', theirs], env)).toMatchObject(
      { code: 1, stdout: 'invalid\n' },
    );
    expectOneLineError(
      await runCli(['gm', 'sm2-verify', '--key', msg, '--in', msg, '--sig', theirs], env),
      /not a usable SM2 key/,
    );
    expectOneLineError(
      await runCli(
        ['gm', 'sm2-sign', '--key', path.join(dir, 'missing.pem'), '--in', msg, '--out', ours],
        env,
      ),
      /cannot read/,
    );
  });

  it('has help for every command and a one-line error for an unknown one', async () => {
    for (const args of [
      ['--help'],
      ['gm', '--help'],
      ['keys', 'init', '--help'],
      ['db', 'migrate', '--help'],
      ['serve', '--help'],
    ]) {
      const result = await runCli(args, env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: ehc');
    }
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')[0]).toMatch(/^ehc: error: unknown command 'frobnicate'/);
  });
});

describe.each(BACKENDS)('ehc keys and db on %s', (backend) => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment(backend);
  });
  afterAll(async () => environment.cleanup());

  it('creates keys once, shows the public key, and refuses a second init', async () => {
    if (backend === 'postgres') {
      expectOneLineError(await runCli(['keys', 'show-public'], environment.env), /MIGRATIONS_PENDING/);
      const migrated = await runCli(['db', 'migrate', '--json'], environment.env);
      expect(migrated.code).toBe(0);
      const all = Object.keys(MIGRATIONS).sort();
      expect(JSON.parse(migrated.stdout)).toEqual({
        database: 'postgres',
        applied: all,
        current: all.at(-1),
      });
      expect(JSON.parse((await runCli(['db', 'migrate', '--json'], environment.env)).stdout).applied).toEqual(
        [],
      );
    }
    const securityKeyFile = path.join(environment.dataDir, 'security.key');
    fs.writeFileSync(securityKeyFile, `${EHC_VECTOR.securityKey}\n`);
    const init = await runCli(
      ['keys', 'init', '--security-key-file', securityKeyFile, '--json'],
      environment.env,
    );
    expect(init.code).toBe(0);
    const created = JSON.parse(init.stdout);
    expect(created.development).toBe(backend === 'pglite');
    expect(created.keys.map((key: { kind: string }) => key.kind).sort()).toEqual([
      'data',
      'node_sm2',
      'protection',
      'security',
    ]);
    expect(init.stdout).not.toContain(EHC_VECTOR.securityKey);
    if (backend === 'pglite') expect(init.stderr).toContain('DEVELOPMENT KEYS');

    const shown = await runCli(['keys', 'show-public', '--json'], environment.env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ algorithm: 'SM2', publicKeyHex: created.nodePublicKey });
    const pem = await runCli(['keys', 'show-public', '--pem'], environment.env);
    expect(pem.stdout).toBe(created.nodePublicKeyPem);

    expectOneLineError(await runCli(['keys', 'init'], environment.env), /KEYS_ALREADY_INITIALISED/);
  });
});

describe('the server process on the embedded database', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment('pglite');
  });
  afterAll(async () => environment.cleanup());

  it('starts with development keys, serves /healthz and /docs, and owns its data directory', async () => {
    const server = await startServerProcess(environment.env);
    try {
      expect(server.output()).toContain('DEVELOPMENT KEYS');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const docs = await fetch(`${server.url}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');

      // A second server on the same directory is refused, naming the holder.
      await expect(startServerProcess(environment.env, 30_000)).rejects.toThrow(
        new RegExp(`in use by "ehc serve" \\(pid ${server.child.pid}`),
      );
      // Data-changing commands say what to do; read-only ones go through the admin API.
      expectOneLineError(await runCli(['keys', 'init'], environment.env), /in use by "ehc serve".*stop it/);
      const shown = await runCli(['keys', 'show-public', '--json'], environment.env);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout).development).toBe(true);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    // The lock is released on a clean stop: the CLI can open the directory itself now.
    const direct = await runCli(['keys', 'show-public', '--json'], environment.env);
    expect(direct.code).toBe(0);
  });
});
