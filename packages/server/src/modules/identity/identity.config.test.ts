import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

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
});
