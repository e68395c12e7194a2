import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import type { Database } from '../../db/schema.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { HttpIdentityProvider } from './http-identity-provider.js';
import { createIdentityProvider } from './identity.service.js';
import { RegistryIdentityProvider } from './registry-identity-provider.js';

describe('identity configuration', () => {
  it('defaults to the registry table', () => {
    expect(loadConfig({}).identity).toEqual({ provider: 'registry' });
  });

  it('reads the HTTP provider with timeout and retries', () => {
    expect(
      loadConfig({
        EHC_IDENTITY_PROVIDER: 'http',
        EHC_IDENTITY_HTTP_URL: 'https://registry.example/check',
        EHC_IDENTITY_HTTP_TIMEOUT_MS: '1500',
        EHC_IDENTITY_HTTP_RETRIES: '0',
      }).identity,
    ).toEqual({ provider: 'http', url: 'https://registry.example/check', timeoutMs: 1500, retries: 0 });
    expect(
      loadConfig({ EHC_IDENTITY_PROVIDER: 'http', EHC_IDENTITY_HTTP_URL: 'http://r.example' }).identity,
    ).toEqual({ provider: 'http', url: 'http://r.example', timeoutMs: 3000, retries: 2 });
  });

  it('reports every bad identity key at once', () => {
    try {
      loadConfig({
        EHC_IDENTITY_PROVIDER: 'http',
        EHC_IDENTITY_HTTP_URL: 'ftp://r.example',
        EHC_IDENTITY_HTTP_TIMEOUT_MS: '10',
        EHC_IDENTITY_HTTP_RETRIES: 'many',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join('\n');
      expect(issues).toMatch(/EHC_IDENTITY_HTTP_URL: must be an http/);
      expect(issues).toMatch(/EHC_IDENTITY_HTTP_TIMEOUT_MS/);
      expect(issues).toMatch(/EHC_IDENTITY_HTTP_RETRIES/);
    }
    expect(() => loadConfig({ EHC_IDENTITY_PROVIDER: 'http' })).toThrow(/EHC_IDENTITY_HTTP_URL: required/);
    expect(() => loadConfig({ EHC_IDENTITY_PROVIDER: 'ldap' })).toThrow(/registry or http/);
  });

  it('builds the provider the configuration names', () => {
    // Neither provider touches its dependencies until check() is called.
    const deps = { db: {} as Kysely<Database>, protector: {} as PersonalDataProtector };
    expect(createIdentityProvider(loadConfig({}).identity, deps)).toBeInstanceOf(RegistryIdentityProvider);
    const http = createIdentityProvider(
      loadConfig({ EHC_IDENTITY_PROVIDER: 'http', EHC_IDENTITY_HTTP_URL: 'http://r.example/check' }).identity,
      deps,
    );
    expect(http).toBeInstanceOf(HttpIdentityProvider);
    expect(http.name).toBe('http');
  });
});
