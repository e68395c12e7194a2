/**
 * Configuration from the environment. Every key starts with `EHC_`; loadConfig reads them once
 * into a frozen, typed object and reports every bad key at once, so an operator fixes all of
 * them in one round instead of one per restart.
 */
import path from 'node:path';
import { isValidCardChannelCode, isValidNodeCode } from '@ehc/gm';
import {
  IDENTITY_CONFIG_KEYS,
  type IdentityConfig,
  readIdentityConfig,
} from './modules/identity/identity.config.js';

export type DatabaseConfig =
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };

export interface Config {
  readonly database: DatabaseConfig;
  /** Directory for the embedded database and local state (dev keys, operator token, lock). */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 16-byte SM4 key (hex) under which the cipher machine's keys are stored; undefined = dev key. */
  readonly masterKeyHex: string | undefined;
  /** Bearer token for the admin API; undefined = generated into the data directory (embedded only). */
  readonly operatorToken: string | undefined;
  /** Directory of the built web app served at `/`; undefined = the @ehc/web build in this checkout. */
  readonly webDir: string | undefined;
  /** Cards and QR codes: node code, dynamic-code lifetime, channels allowed below registry level. */
  readonly cards: CardsConfig;
  /** Real-name verification: registry table or remote HTTP registry (EHC_IDENTITY_*). */
  readonly identity: IdentityConfig;
}

export interface CardsConfig {
  /** This node's code (GB/T 2260 region, optional suffix), written into signed QR codes. */
  readonly nodeCode: string;
  /** Lifetime of a dynamic QR code in seconds (EHC_QR_DYNAMIC_TTL). */
  readonly qrDynamicTtlSeconds: number;
  /**
   * Channels where a registration the identity provider cannot confirm (unknown person, provider
   * unavailable) is still accepted at document level, marked and audited. Empty by default.
   */
  readonly loweredVerificationChannels: readonly string[];
  /** Hours a temporary card (临时卡) stays valid after issue (EHC_TEMPORARY_CARD_TTL_HOURS). */
  readonly temporaryCardTtlHours: number;
  /** Family members one resident account may link (EHC_FAMILY_MAX_MEMBERS). */
  readonly familyMaxMembers: number;
}

export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Keys this module reads; any other EHC_ key is reported so typos do not pass silently. */
const KNOWN_KEYS = new Set([
  'EHC_DATABASE_URL',
  'EHC_DATABASE_POOL_SIZE',
  'EHC_DATA_DIR',
  'EHC_HOST',
  'EHC_PORT',
  'EHC_LOG_LEVEL',
  'EHC_MASTER_KEY',
  'EHC_OPERATOR_TOKEN',
  'EHC_WEB_DIR',
  'EHC_NODE_CODE',
  'EHC_QR_DYNAMIC_TTL',
  'EHC_IDENTITY_LOWERED_CHANNELS',
  'EHC_TEMPORARY_CARD_TTL_HOURS',
  'EHC_FAMILY_MAX_MEMBERS',
  ...IDENTITY_CONFIG_KEYS,
]);
/** Keys read by tooling (tests, benchmarks), not by the server. */
const TOOLING_KEYS = new Set(['EHC_TEST_DATABASE_URL', 'EHC_SKIP_SLOW', 'EHC_BENCH_DATABASE_URL']);

/**
 * Reads and validates the configuration.
 * @throws ConfigError listing every problem found.
 * @example loadConfig({ EHC_PORT: '9090' }).port // 9090
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const issues: string[] = [];
  const read = (key: string): string | undefined => {
    const value = env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  for (const key of Object.keys(env)) {
    if (key.startsWith('EHC_') && !KNOWN_KEYS.has(key) && !TOOLING_KEYS.has(key)) {
      issues.push(`${key}: unknown setting (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }

  const dataDir = path.resolve(cwd, read('EHC_DATA_DIR') ?? './data');

  const port = parseInteger(read('EHC_PORT') ?? '8080');
  if (port === undefined || port < 0 || port > 65535) {
    issues.push(`EHC_PORT: must be an integer from 0 to 65535, got "${read('EHC_PORT')}"`);
  }

  const host = read('EHC_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) {
    issues.push(`EHC_HOST: must be a host name or IP address, got "${host}"`);
  }

  const logLevel = read('EHC_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    issues.push(`EHC_LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const masterKeyHex = read('EHC_MASTER_KEY');
  if (masterKeyHex !== undefined && !/^[0-9a-fA-F]{32}$/.test(masterKeyHex)) {
    // Never echo the value: it is a secret.
    issues.push('EHC_MASTER_KEY: must be 32 hexadecimal characters (a 16-byte SM4 key)');
  }

  const operatorToken = read('EHC_OPERATOR_TOKEN');
  if (operatorToken !== undefined && operatorToken.length < 24) {
    issues.push('EHC_OPERATOR_TOKEN: must be at least 24 characters');
  }

  let database: DatabaseConfig = { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
  const url = read('EHC_DATABASE_URL');
  const poolSize = parseInteger(read('EHC_DATABASE_POOL_SIZE') ?? '10');
  if (poolSize === undefined || poolSize < 1 || poolSize > 500) {
    issues.push(
      `EHC_DATABASE_POOL_SIZE: must be an integer from 1 to 500, got "${read('EHC_DATABASE_POOL_SIZE')}"`,
    );
  }
  if (url !== undefined) {
    if (!isPostgresUrl(url)) {
      issues.push('EHC_DATABASE_URL: must be a postgres:// or postgresql:// URL');
    } else {
      database = { kind: 'postgres', url, poolSize: poolSize ?? 10 };
    }
    if (masterKeyHex === undefined) {
      issues.push(
        'EHC_MASTER_KEY: required with EHC_DATABASE_URL (development keys are only created on the embedded database)',
      );
    }
  }

  const webDirRaw = read('EHC_WEB_DIR');
  const webDir = webDirRaw === undefined ? undefined : path.resolve(cwd, webDirRaw);

  const cards = readCardsConfig(read, issues);
  const identity = readIdentityConfig(read, issues);

  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({
    database: Object.freeze(database),
    dataDir,
    host,
    port: port ?? 8080,
    logLevel: logLevel as Config['logLevel'],
    masterKeyHex: masterKeyHex?.toLowerCase(),
    operatorToken,
    webDir,
    cards,
    identity,
  });
}

function readCardsConfig(read: (key: string) => string | undefined, issues: string[]): CardsConfig {
  const nodeCode = read('EHC_NODE_CODE') ?? '370100';
  if (!isValidNodeCode(nodeCode)) {
    issues.push(
      `EHC_NODE_CODE: must be a GB/T 2260 region code with an optional -suffix (e.g. 370100), got "${nodeCode}"`,
    );
  }
  const ttl = parseInteger(read('EHC_QR_DYNAMIC_TTL') ?? '60');
  if (ttl === undefined || ttl < 10 || ttl > 86_400) {
    issues.push(
      `EHC_QR_DYNAMIC_TTL: must be whole seconds from 10 to 86400, got "${read('EHC_QR_DYNAMIC_TTL')}"`,
    );
  }
  const lowered = (read('EHC_IDENTITY_LOWERED_CHANNELS') ?? '')
    .split(',')
    .map((channel) => channel.trim())
    .filter((channel) => channel !== '');
  for (const channel of lowered) {
    if (!isValidCardChannelCode(channel))
      issues.push(`EHC_IDENTITY_LOWERED_CHANNELS: "${channel}" is not a card channel code`);
  }
  const temporaryTtl = parseInteger(read('EHC_TEMPORARY_CARD_TTL_HOURS') ?? '72');
  if (temporaryTtl === undefined || temporaryTtl < 1 || temporaryTtl > 8760) {
    issues.push(
      `EHC_TEMPORARY_CARD_TTL_HOURS: must be whole hours from 1 to 8760, got "${read('EHC_TEMPORARY_CARD_TTL_HOURS')}"`,
    );
  }
  const familyMax = parseInteger(read('EHC_FAMILY_MAX_MEMBERS') ?? '8');
  if (familyMax === undefined || familyMax < 1 || familyMax > 50) {
    issues.push(
      `EHC_FAMILY_MAX_MEMBERS: must be an integer from 1 to 50, got "${read('EHC_FAMILY_MAX_MEMBERS')}"`,
    );
  }
  return Object.freeze({
    nodeCode,
    qrDynamicTtlSeconds: ttl ?? 60,
    loweredVerificationChannels: Object.freeze(lowered),
    temporaryCardTtlHours: temporaryTtl ?? 72,
    familyMaxMembers: familyMax ?? 8,
  });
}

function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number.parseInt(text, 10);
}

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/** Describes where the data lives without revealing credentials (for logs and CLI output). */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'pglite') return `embedded PGlite at ${database.dataDir}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
