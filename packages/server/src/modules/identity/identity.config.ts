/**
 * Configuration of real-name verification: which identity provider, and for the remote HTTP
 * registry its URL, timeout and retries. Read by config.ts with every other EHC_ key.
 */
export const IDENTITY_CONFIG_KEYS = [
  'EHC_IDENTITY_PROVIDER',
  'EHC_IDENTITY_HTTP_URL',
  'EHC_IDENTITY_HTTP_TIMEOUT_MS',
  'EHC_IDENTITY_HTTP_RETRIES',
] as const;

export type IdentityConfig =
  /** The population-registry table (人口库) of this node, loaded with `ehc registry import`. */
  | { readonly provider: 'registry' }
  | {
      readonly provider: 'http';
      /** Where claims are POSTed as JSON. */
      readonly url: string;
      /** Per attempt. */
      readonly timeoutMs: number;
      /** Further attempts after the first, with exponential backoff. */
      readonly retries: number;
    };

/** Reads the identity keys, pushing one issue per bad key (never throws). */
export function readIdentityConfig(
  read: (key: string) => string | undefined,
  issues: string[],
): IdentityConfig {
  const provider = read('EHC_IDENTITY_PROVIDER') ?? 'registry';
  const url = read('EHC_IDENTITY_HTTP_URL');
  const timeoutText = read('EHC_IDENTITY_HTTP_TIMEOUT_MS') ?? '3000';
  const retriesText = read('EHC_IDENTITY_HTTP_RETRIES') ?? '2';
  const timeoutMs = /^\d+$/.test(timeoutText) ? Number(timeoutText) : Number.NaN;
  const retries = /^\d+$/.test(retriesText) ? Number(retriesText) : Number.NaN;
  if (!(timeoutMs >= 100 && timeoutMs <= 60_000)) {
    issues.push(`EHC_IDENTITY_HTTP_TIMEOUT_MS: must be milliseconds from 100 to 60000, got "${timeoutText}"`);
  }
  if (!(retries >= 0 && retries <= 10)) {
    issues.push(`EHC_IDENTITY_HTTP_RETRIES: must be an integer from 0 to 10, got "${retriesText}"`);
  }
  if (provider === 'registry') return Object.freeze({ provider });
  if (provider !== 'http') {
    issues.push(`EHC_IDENTITY_PROVIDER: must be registry or http, got "${provider}"`);
    return Object.freeze({ provider: 'registry' });
  }
  if (url === undefined) {
    issues.push('EHC_IDENTITY_HTTP_URL: required with EHC_IDENTITY_PROVIDER=http');
  } else if (!isHttpUrl(url)) {
    issues.push('EHC_IDENTITY_HTTP_URL: must be an http:// or https:// URL');
  }
  return Object.freeze({ provider, url: url ?? '', timeoutMs, retries });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
