/**
 * The card-management HTTP figures of issue 3, on PostgreSQL with load from autocannon on loopback:
 * - gateway `ehc.ehealthcode.verify` of dynamic codes (card-use record and audit entry included),
 *   next to a bare Fastify route returning {"ok":true} in the same run;
 * - registrations through the signed REST API;
 * - server memory idle and under the verify load.
 * It speaks only the published protocols to a server process started like `npm start`.
 * Run: `npm run bench -- http` (needs PostgreSQL at EHC_BENCH_DATABASE_URL, default the local `test` database).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { computeCheckCharacter } from '@ehc/gm';
import autocannon from 'autocannon';
import pg from 'pg';
import { describeMachine } from './machine.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'packages/server/src/cli/main.ts');
const SERVER = path.join(ROOT, 'packages/server/src/main.ts');
const SOURCE = ['--conditions=source', '--import', 'tsx'];
const PERSONS = Number(process.env['EHC_BENCH_PERSONS'] ?? 6000);
const CODES = 2000;
const VERIFY_SECONDS = Number(process.env['EHC_BENCH_SECONDS'] ?? 20);
const CONNECTIONS = 32;
const ORG = '12370100MB0000001X';
const TERMINAL = `${ORG}0100`;

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

function summarise(result: autocannon.Result): Load {
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/** The parent's environment without EHC_ settings (the benchmark's own included): children get exactly `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('EHC_')));
  return { ...clean, ...env };
}

function cli(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [...SOURCE, CLI, ...args], {
    env: childEnv(env),
    encoding: 'utf8',
  });
}

function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume(); // discard the request log from here on
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`process exited with ${code}: ${output}`)));
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Valid resident ID numbers, one per person, with registry rows for them. */
function makePersons(count: number) {
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  const given = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳'];
  return Array.from({ length: count }, (_, i) => {
    const birthday = new Date(Date.UTC(1950 + (i % 60), i % 12, 1 + (i % 28)));
    const ymd = birthday.toISOString().slice(0, 10);
    const sequence = String(100 + (Math.floor(i / 60) % 900)).padStart(3, '0');
    const first17 = `370102${ymd.replace(/-/g, '')}${sequence}`;
    const idNo = first17 + computeCheckCharacter(first17);
    const gender = Number(sequence.at(-1)) % 2 === 1 ? '1' : '2';
    const name = `${surnames[i % surnames.length]}${given[Math.floor(i / 10) % given.length]}${given[i % given.length]}`;
    return { idNo, name, gender, birthday: ymd };
  });
}

export async function runHttpBench(): Promise<string> {
  const adminUrl = process.env['EHC_BENCH_DATABASE_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
  const dbName = `ehc_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehc-bench-'));
  const env = {
    EHC_DATABASE_URL: dbUrl.toString(),
    EHC_MASTER_KEY: randomBytes(16).toString('hex'),
    EHC_DATA_DIR: dataDir,
    EHC_PORT: '0',
    EHC_LOG_LEVEL: 'info',
    EHC_QR_DYNAMIC_TTL: '3600',
    EHC_OPERATOR_TOKEN: randomBytes(24).toString('hex'),
  };
  const children: ChildProcess[] = [];
  try {
    // Operator setup, as in production.
    cli(['db', 'migrate'], env);
    cli(['keys', 'init'], env);
    cli(['org', 'add', '--code', ORG, '--name', '济南市第一人民医院', '--region', '370102'], env);
    const app = JSON.parse(
      cli(
        [
          'app',
          'add',
          '--org',
          ORG,
          '--name',
          'bench',
          '--scopes',
          'register,verify,query,report',
          '--rate-limit',
          '1000000',
          '--json',
        ],
        env,
      ),
    ) as { app_id: string; app_secret: string };
    const persons = makePersons(PERSONS);
    const registry = path.join(dataDir, 'registry.csv');
    fs.writeFileSync(
      registry,
      ['id_type,id_no,name,gender,birthday,nation,address,region,deceased_on']
        .concat(
          persons.map(
            (p) => `01,${p.idNo},${p.name},${p.gender},${p.birthday},01,山东省济南市历下区,370102,`,
          ),
        )
        .join('\n'),
    );
    cli(['registry', 'import', registry], env);

    const profile = process.env['EHC_BENCH_CPU_PROFILE']; // a directory: write a V8 CPU profile of the server there
    const server = await startProcess(
      [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), ...SOURCE, SERVER],
      env,
    );
    children.push(server.child);
    const pid = server.child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRss = rssMb(pid);

    // 1. Registrations through the signed REST API, each a new person.
    let next = 0;
    const signed = persons.map((person, i) => {
      const body = JSON.stringify({
        id_type: '01',
        id_no: person.idNo,
        name: person.name,
        gender: person.gender,
        birthday: person.birthday,
        cellphone: `1380000${String(i).padStart(4, '0')}`,
        channel: '0100',
      });
      const timestamp = String(Date.now());
      const nonce = randomBytes(12).toString('hex');
      const digest = createHash('sm3').update(body).digest('hex');
      const signature = createHmac('sm3', app.app_secret)
        .update(['POST', '/api/v1/cards', timestamp, nonce, digest].join('\n'))
        .digest('hex');
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-ehc-app-id': app.app_id,
          'x-ehc-timestamp': timestamp,
          'x-ehc-nonce': nonce,
          'x-ehc-signature': signature,
        },
      };
    });
    const registration = summarise(
      await autocannon({
        url: `${server.url}/api/v1/cards`,
        method: 'POST',
        connections: CONNECTIONS,
        amount: signed.length,
        requests: [{ setupRequest: (request) => ({ ...request, ...signed[next++ % signed.length] }) }],
      }),
    );

    // 2. Dynamic codes for some of the cards, through the gateway.
    const key = Buffer.from(app.app_secret, 'hex');
    const encrypt = (text: string) => {
      const cipher = createCipheriv('sm4-ecb', key, null);
      return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('hex');
    };
    const envelope = (method: string, biz: object, timestamp: number) => {
      const fields: Record<string, string> = {
        app_id: app.app_id,
        method,
        biz_content: encrypt(JSON.stringify(biz)),
        digest_type: 'SM3',
        enc_type: 'SM4',
        term_id: TERMINAL,
        timestamp: String(timestamp),
        version: 'X.M.0.1',
      };
      const text = Object.keys(fields)
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join('&');
      fields['digest'] = createHash('sm3')
        .update(text + app.app_secret)
        .digest('hex');
      return JSON.stringify(fields);
    };
    const decrypt = (hex: string) => {
      const decipher = createDecipheriv('sm4-ecb', key, null);
      return JSON.parse(
        Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('utf8'),
      );
    };
    const codes: string[] = [];
    const registered = await Promise.all(
      persons.slice(0, CODES).map(async (person, i) => {
        const response = await fetch(`${server.url}/gateway`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: envelope('ehc.ehealthcode.query', { id_type: '01', id_no: person.idNo }, Date.now() + i),
        });
        return decrypt(((await response.json()) as { biz_content: string }).biz_content)
          .ehealth_card_id as string;
      }),
    );
    for (let i = 0; i < registered.length; i += 50) {
      const batch = await Promise.all(
        registered.slice(i, i + 50).map(async (ehcId, j) => {
          const response = await fetch(`${server.url}/gateway`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: envelope(
              'ehc.ehealthcode.generate',
              { ehealth_card_id: ehcId, ewmbs: '0' },
              Date.now() + i + j,
            ),
          });
          return decrypt(((await response.json()) as { biz_content: string }).biz_content)
            .ehealth_code as string;
        }),
      );
      codes.push(...batch);
    }

    // 3. Verification load: pre-built envelopes, each with its own timestamp (no replay).
    const expected = VERIFY_SECONDS * 9000;
    const base = Date.now() - 60_000;
    const verifyBodies = Array.from({ length: expected }, (_, i) =>
      envelope(
        'ehc.ehealthcode.verify',
        {
          ehealth_code: codes[i % codes.length],
          medstepcode: '010101',
          terminalcode: TERMINAL,
          channelcode: '01',
          depcode: '0100',
        },
        base + i,
      ),
    );
    let peakRss = rssMb(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(pid));
    }, 200);
    let v = 0;
    const verifyResult = await autocannon({
      url: `${server.url}/gateway`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: VERIFY_SECONDS,
      headers: { 'content-type': 'application/json' },
      requests: [
        { setupRequest: (request) => ({ ...request, body: verifyBodies[v++ % verifyBodies.length] }) },
      ],
    });
    clearInterval(sampler);
    const verify = summarise(verifyResult);
    // Every answer must have been a success envelope: sample the card-use table.
    const client = new pg.Client({ connectionString: env.EHC_DATABASE_URL });
    await client.connect();
    const uses = Number((await client.query('select count(*) from card_use')).rows[0].count);
    const audits = Number((await client.query('select count(*) from audit_log')).rows[0].count);
    await client.end();

    // 4. The same load on a bare Fastify route.
    const bare = await startProcess([fileURLToPath(new URL('./bare-server.mjs', import.meta.url))], {});
    children.push(bare.child);
    const baseline = summarise(
      await autocannon({
        url: `${bare.url}/ok`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: VERIFY_SECONDS,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );

    const ratio = (verify.requestsPerSecond / baseline.requestsPerSecond) * 100;
    return [
      '## Card management over HTTP (issue 3)',
      '',
      `Command: \`npm run bench -- http\`. ${describeMachine()}. PostgreSQL 15 on the same machine; the server runs as \`npm start\` does (one process, log level info, request log written), autocannon with ${CONNECTIONS} connections in the benchmark process on the same 2 cores.`,
      '',
      '| load | requests/s | p50 ms | p99 ms | errors / non-2xx | target |',
      '|---|--:|--:|--:|--:|---|',
      `| gateway \`ehc.ehealthcode.verify\`, dynamic codes, ${VERIFY_SECONDS} s | ${verify.requestsPerSecond.toFixed(0)} | ${verify.p50} | ${verify.p99} | ${verify.errors} / ${verify.non2xx} | ≥ 5,000/s, p99 ≤ 20 ms |`,
      `| bare Fastify \`{"ok":true}\`, same load | ${baseline.requestsPerSecond.toFixed(0)} | ${baseline.p50} | ${baseline.p99} | ${baseline.errors} / ${baseline.non2xx} | (baseline) |`,
      `| REST \`POST /api/v1/cards\`, ${signed.length} new persons | ${registration.requestsPerSecond.toFixed(0)} | ${registration.p50} | ${registration.p99} | ${registration.errors} / ${registration.non2xx} | ≥ 500/s |`,
      '',
      `Verify reaches ${ratio.toFixed(1)} % of the bare route. Each verification: envelope digest, timestamp and replay check (one insert into the shared nonce table), biz_content decryption, validity decryption, one read of the card, then the card-use record and the audit entry, group-committed with the other verifications in flight before the answer (the run left ${uses} card-use rows and ${audits} audit entries, linked into the SM3 chain after commit).`,
      '',
      `Server memory (VmRSS): ${idleRss.toFixed(0)} MB idle after start, ${peakRss.toFixed(0)} MB at most under the verify load (targets ≤ 200 MB idle, ≤ 400 MB under load).`,
    ].join('\n');
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await runHttpBench()}\n`);
}
