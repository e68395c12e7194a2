/**
 * The integrator's path end to end, as docs/integration.md tells it: an operator adds the
 * institution and its app with the CLI and loads the population registry; the server starts;
 * docs/examples/gateway-walkthrough.mjs (plain Node, published protocol only) registers a card,
 * generates a dynamic code, verifies it and reports a card use through /gateway.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess } from '../testing/processes.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';

const WALKTHROUGH = fileURLToPath(
  new URL('../../../../docs/examples/gateway-walkthrough.mjs', import.meta.url),
);

function runNode(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cli(args: string[], env: Record<string, string>) {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`ehc ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.each(BACKENDS)('gateway walkthrough on %s', (backend) => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment(backend);
  });
  afterAll(async () => environment.cleanup());

  it('registers, generates, verifies and reports through /gateway with only the published protocol', async () => {
    const env = environment.env;
    if (backend === 'postgres') {
      await cli(['db', 'migrate'], env);
      await cli(['keys', 'init'], env);
    }
    await cli(
      [
        'org',
        'add',
        '--code',
        '12370100MB0000001X',
        '--name',
        '济南市第一人民医院',
        '--region',
        '370102',
        '--json',
      ],
      env,
    );
    const app = JSON.parse(
      await cli(
        [
          'app',
          'add',
          '--org',
          '12370100MB0000001X',
          '--name',
          'HIS',
          '--scopes',
          'register,verify,query,report',
          '--json',
        ],
        env,
      ),
    ) as { app_id?: string; appId?: string; app_secret?: string; appSecret?: string };
    const registry = path.join(environment.dataDir, 'registry.csv');
    fs.writeFileSync(
      registry,
      'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on\n01,11010020171225006X,张三,2,2017-12-25,01,北京市东城区,110101,\n',
    );
    await cli(['registry', 'import', registry, '--json'], env);

    const server = await startServerProcess(env);
    try {
      const result = await runNode(WALKTHROUGH, {
        EHC_GATEWAY_URL: `${server.url}/gateway`,
        EHC_APP_ID: (app.app_id ?? app.appId) as string,
        EHC_APP_SECRET: (app.app_secret ?? app.appSecret) as string,
        EHC_TERMINAL_CODE: '12370100MB0000001X0100',
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/1\. registered: [0-9A-F]{64}/);
      expect(result.stdout).toMatch(/2\. dynamic code: [0-9A-F]{64}:0:[0-9A-F]{32}/);
      expect(result.stdout).toContain('3. verified: 张三 11010020171225006X active');
      expect(result.stdout).toContain('4. card use reported, accepted: 1');
    } finally {
      await server.stop();
    }
  });
});
