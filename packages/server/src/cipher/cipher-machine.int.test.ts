import { hexToBytes, parseQrText, sm2Verify } from '@ehc/gm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';
import { initialiseKeys, loadCipherMachine, type MasterKey, resolveMasterKey } from './keys.service.js';

// EHC-FORMATS §2 published vector.
const VECTOR = {
  masterIndex: 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E',
  securityKey: '0123456789ABCDEFFEDCBA9876543210',
  idType: '01',
  idNo: '11010020171225006X',
  ehcId: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
};

describe.each(BACKENDS)('software cipher machine on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;
  let master: MasterKey;

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    master = resolveMasterKey(environment.config);
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('computes the published EHC ID with an imported national security key', async () => {
    const summary = await initialiseKeys(database.db, master, {
      securityKey: hexToBytes(VECTOR.securityKey),
    });
    expect(summary.keys.find((key) => key.kind === 'security')?.origin).toBe('imported');
    const machine = await loadCipherMachine(database.db, master);
    const ehcId = await machine.computeEhcId({
      masterIndex: VECTOR.masterIndex,
      idType: VECTOR.idType,
      idNo: VECTOR.idNo,
    });
    expect(ehcId).toBe(VECTOR.ehcId);
    const masterIndex = await machine.computeMasterIndex({ idType: '01', idNo: VECTOR.idNo, name: '张三' });
    expect(masterIndex).toMatch(/^[0-9A-F]{64}$/);
  });

  it('encrypts and decrypts dynamic-code validity, rejecting garbage with VALIDITY_INVALID', async () => {
    await initialiseKeys(database.db, master);
    const machine = await loadCipherMachine(database.db, master);
    const expiry = new Date('2026-11-22T05:06:07Z');
    const validity = await machine.encryptValidity(expiry);
    expect(validity).toMatch(/^[0-9A-F]{32}$/);
    expect((await machine.decryptValidity(validity)).toISOString()).toBe(expiry.toISOString());
    // The text form parses as the validity field of a dynamic QR code.
    expect(parseQrText(`${VECTOR.ehcId}:0:${validity}`)).toMatchObject({ kind: 'dynamic', validity });
    await expect(machine.decryptValidity('00'.repeat(16))).rejects.toMatchObject({
      code: 'VALIDITY_INVALID',
    });
  });

  it('signs with the node key so that the public key verifies', async () => {
    await initialiseKeys(database.db, master);
    const machine = await loadCipherMachine(database.db, master);
    const message = new TextEncoder().encode('98FF9F2C:1::370100');
    const signature = await machine.signWithNodeKey(message);
    expect(signature).toHaveLength(64);
    const publicKey = hexToBytes((await machine.nodePublicKey()).hex);
    expect(sm2Verify(publicKey, message, signature)).toBe(true);
    expect(sm2Verify(publicKey, new TextEncoder().encode('tampered'), signature)).toBe(false);
  });

  it('wraps data keys and detects a damaged one', async () => {
    await initialiseKeys(database.db, master);
    const machine = await loadCipherMachine(database.db, master);
    const { plaintext, wrapped } = await machine.generateDataKey();
    expect(await machine.decryptDataKey(wrapped)).toEqual(plaintext);
    const damaged = wrapped.slice(0, 40) + (wrapped[40] === '0' ? '1' : '0') + wrapped.slice(41);
    await expect(machine.decryptDataKey(damaged)).rejects.toMatchObject({ code: 'KEY_INTEGRITY_FAILED' });
  });

  it('stores no key in the clear and keeps keys across a reopen', async () => {
    await initialiseKeys(database.db, master, { securityKey: hexToBytes(VECTOR.securityKey) });
    const rows = await database.db.selectFrom('cipher_keys').selectAll().execute();
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.wrapped_key.toUpperCase()).not.toContain(VECTOR.securityKey);
    await database.close();
    database = await openDatabase(environment.config.database, { command: 'test' });
    const machine = await loadCipherMachine(database.db, master);
    expect(await machine.computeEhcId(VECTOR)).toBe(VECTOR.ehcId);
    expect(JSON.stringify(machine)).not.toMatch(/[0-9a-f]{32}/i);
  });

  it('refuses a second initialisation, a wrong master key and an altered key row', async () => {
    await initialiseKeys(database.db, master);
    await expect(initialiseKeys(database.db, master)).rejects.toMatchObject({
      code: 'KEYS_ALREADY_INITIALISED',
    });
    const wrongMaster = { key: new Uint8Array(16).fill(7), development: false };
    await expect(loadCipherMachine(database.db, wrongMaster)).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });
    // Swap two wrapped keys: each is bound to its slot, so loading fails instead of mixing keys up.
    const security = await database.db
      .selectFrom('cipher_keys')
      .select('wrapped_key')
      .where('kind', '=', 'security')
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable('cipher_keys')
      .set({ wrapped_key: security.wrapped_key })
      .where('kind', '=', 'protection')
      .execute();
    await expect(loadCipherMachine(database.db, master)).rejects.toMatchObject({
      code: 'KEY_INTEGRITY_FAILED',
    });
  });

  it('lets exactly one of two concurrent initialisations win', async () => {
    const results = await Promise.allSettled([
      initialiseKeys(database.db, master),
      initialiseKeys(database.db, master),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'KEYS_ALREADY_INITIALISED' });
    expect(await database.db.selectFrom('cipher_keys').select('kind').execute()).toHaveLength(4);
  });

  it('reports KEYS_NOT_INITIALISED on an empty key store', async () => {
    await expect(loadCipherMachine(database.db, master)).rejects.toMatchObject({
      code: 'KEYS_NOT_INITIALISED',
    });
  });
});
