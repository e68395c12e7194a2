/**
 * Creating and loading the cipher machine's keys. Keys are generated here (or the national
 * security key is imported), wrapped under the master key and stored; at start they are
 * unwrapped into a SoftwareCipherMachine. Nothing here logs or returns a secret key.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bytesToHex, hexToBytes, sm2GenerateKeyPair } from '@ehc/gm';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { CipherKeyKind, Database } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import {
  findActiveKeys,
  findCipherMachineRow,
  insertCipherMachineRow,
  insertKey,
} from './key-store.repository.js';
import { deriveWrappingKeys, keyCheckValue, unwrapKey, wrapKey } from './key-wrap.js';
import { SoftwareCipherMachine } from './software-cipher-machine.js';

export interface MasterKey {
  key: Uint8Array;
  /** True when it is the auto-created development master key of an embedded data directory. */
  development: boolean;
}

export const DEV_MASTER_KEY_FILE = 'dev-master-key';

/**
 * The master key from EHC_MASTER_KEY, or on the embedded database the development master key
 * kept in the data directory (created on first use, readable by this user only).
 */
export function resolveMasterKey(config: Config): MasterKey {
  if (config.masterKeyHex) return { key: hexToBytes(config.masterKeyHex), development: false };
  if (config.database.kind === 'postgres') {
    throw new AppError('CONFIG_INVALID', 'EHC_MASTER_KEY is required with PostgreSQL');
  }
  const file = path.join(config.dataDir, DEV_MASTER_KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${bytesToHex(new Uint8Array(randomBytes(16)))}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{32}$/.test(hex)) {
    throw new AppError(
      'CONFIG_INVALID',
      `${file} does not hold a 32-hex-character key; remove it only if no keys were created with it`,
    );
  }
  return { key: hexToBytes(hex), development: true };
}

export interface InitialiseKeysOptions {
  /** The national shared security key (安全密钥) to import; generated when absent. */
  securityKey?: Uint8Array;
}

export interface KeySummary {
  development: boolean;
  keys: { kind: CipherKeyKind; version: number; origin: 'generated' | 'imported' }[];
  nodePublicKey: string;
}

/**
 * Creates the four keys and stores them wrapped under the master key, in one transaction.
 * @throws AppError KEYS_ALREADY_INITIALISED when keys exist.
 */
export async function initialiseKeys(
  db: Kysely<Database>,
  master: MasterKey,
  options: InitialiseKeysOptions = {},
): Promise<KeySummary> {
  if (options.securityKey && options.securityKey.length !== 16) {
    throw new AppError('VALIDATION_FAILED', 'the security key must be 16 bytes (32 hex characters)');
  }
  const wrapping = deriveWrappingKeys(master.key);
  const nodeKey = sm2GenerateKeyPair();
  const secrets: {
    kind: CipherKeyKind;
    secret: Uint8Array;
    publicKey: string | null;
    origin: 'generated' | 'imported';
  }[] = [
    {
      kind: 'security',
      secret: options.securityKey ?? new Uint8Array(randomBytes(16)),
      publicKey: null,
      origin: options.securityKey ? 'imported' : 'generated',
    },
    { kind: 'protection', secret: new Uint8Array(randomBytes(16)), publicKey: null, origin: 'generated' },
    { kind: 'data', secret: new Uint8Array(randomBytes(16)), publicKey: null, origin: 'generated' },
    {
      kind: 'node_sm2',
      secret: nodeKey.privateKey,
      publicKey: bytesToHex(nodeKey.publicKey),
      origin: 'generated',
    },
  ];

  const alreadyInitialised = () =>
    new AppError(
      'KEYS_ALREADY_INITIALISED',
      'the cipher machine already has keys; they are kept as they are',
    );
  const created = db.transaction().execute(async (trx) => {
    if (await findCipherMachineRow(trx)) throw alreadyInitialised();
    await insertCipherMachineRow(trx, {
      masterKeyCheck: keyCheckValue(master.key),
      development: master.development,
    });
    for (const { kind, secret, publicKey, origin } of secrets) {
      await insertKey(trx, {
        kind,
        version: 1,
        wrappedKey: wrapKey(wrapping, `${kind}:1`, secret),
        publicKey,
        origin,
      });
    }
  });
  await created.catch((error: unknown) => {
    // Two operators initialising at once: the second commit hits cipher_machine's primary key.
    throw (error as { code?: string }).code === '23505' ? alreadyInitialised() : error;
  });

  return {
    development: master.development,
    keys: secrets.map(({ kind, origin }) => ({ kind, version: 1, origin })),
    nodePublicKey: bytesToHex(nodeKey.publicKey),
  };
}

/** True when the key store holds keys. */
export async function hasKeys(db: Kysely<Database>): Promise<boolean> {
  return (await findCipherMachineRow(db)) !== undefined;
}

/**
 * Unwraps the stored keys into a software cipher machine.
 * @throws AppError KEYS_NOT_INITIALISED, MASTER_KEY_MISMATCH or KEY_INTEGRITY_FAILED.
 */
export async function loadCipherMachine(
  db: Kysely<Database>,
  master: MasterKey,
): Promise<SoftwareCipherMachine> {
  const machine = await findCipherMachineRow(db);
  if (!machine) throw new AppError('KEYS_NOT_INITIALISED');
  if (machine.master_key_check !== keyCheckValue(master.key)) {
    throw new AppError(
      'MASTER_KEY_MISMATCH',
      master.development
        ? 'the development master key in the data directory does not match the stored keys'
        : 'EHC_MASTER_KEY is not the master key the stored keys were created with',
    );
  }
  const wrapping = deriveWrappingKeys(master.key);
  const rows = await findActiveKeys(db);
  const unwrap = (kind: CipherKeyKind) => {
    const row = rows.find((r) => r.kind === kind);
    const secret = row && unwrapKey(wrapping, `${kind}:${row.version}`, row.wrapped_key);
    if (!row || !secret) {
      throw new AppError(
        'KEY_INTEGRITY_FAILED',
        `the stored ${kind} key is missing or failed its integrity check`,
      );
    }
    return { secret, publicKey: row.public_key };
  };
  const node = unwrap('node_sm2');
  return new SoftwareCipherMachine(
    {
      security: unwrap('security').secret,
      protection: unwrap('protection').secret,
      data: unwrap('data').secret,
      nodePrivateKey: node.secret,
      nodePublicKey: hexToBytes(node.publicKey ?? ''),
    },
    machine.development,
  );
}

/**
 * Loads the cipher machine, first creating development keys when an embedded data directory
 * has none and no master key was configured (the quick start).
 * @returns the machine and whether development keys were created just now.
 */
export async function openCipherMachine(
  db: Kysely<Database>,
  config: Config,
): Promise<{ machine: SoftwareCipherMachine; createdDevelopmentKeys: boolean }> {
  const master = resolveMasterKey(config);
  let createdDevelopmentKeys = false;
  if (master.development && !(await hasKeys(db))) {
    await initialiseKeys(db, master);
    createdDevelopmentKeys = true;
  }
  return { machine: await loadCipherMachine(db, master), createdDevelopmentKeys };
}
