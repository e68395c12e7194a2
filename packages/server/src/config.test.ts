import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data on 127.0.0.1:8080', () => {
    const config = loadConfig({}, '/srv/ehc');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/srv/ehc/data/pglite' });
    expect(config.dataDir).toBe('/srv/ehc/data');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('info');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('selects PostgreSQL with EHC_DATABASE_URL and requires a master key with it', () => {
    const config = loadConfig({
      EHC_DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      EHC_MASTER_KEY: '0123456789ABCDEFFEDCBA9876543210',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://root@127.0.0.1:5432/test',
      poolSize: 10,
    });
    expect(config.masterKeyHex).toBe('0123456789abcdeffedcba9876543210');
  });

  it('reports every bad key at once, without echoing secrets', () => {
    let caught: unknown;
    try {
      loadConfig({
        EHC_PORT: '80a',
        EHC_HOST: 'bad host',
        EHC_LOG_LEVEL: 'loud',
        EHC_MASTER_KEY: 'supersecret',
        EHC_DATABASE_URL: 'mysql://x',
        EHC_PROT: '1',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const issues = (caught as ConfigError).issues;
    expect(issues.map((issue) => issue.split(':')[0])).toEqual(
      expect.arrayContaining([
        'EHC_PROT',
        'EHC_PORT',
        'EHC_HOST',
        'EHC_LOG_LEVEL',
        'EHC_MASTER_KEY',
        'EHC_DATABASE_URL',
      ]),
    );
    expect(issues).toHaveLength(6);
    expect((caught as Error).message).not.toContain('supersecret');
  });

  it('rejects a PostgreSQL URL without a master key', () => {
    expect(() => loadConfig({ EHC_DATABASE_URL: 'postgres://root@127.0.0.1/test' })).toThrow(
      /EHC_MASTER_KEY: required/,
    );
  });

  it('ignores tooling keys such as EHC_TEST_DATABASE_URL', () => {
    expect(loadConfig({ EHC_TEST_DATABASE_URL: 'postgres://x' }).database.kind).toBe('pglite');
  });
});
