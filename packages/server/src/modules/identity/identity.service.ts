/** Chooses the identity provider of this node from its configuration. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { HttpIdentityProvider } from './http-identity-provider.js';
import type { IdentityConfig } from './identity.config.js';
import type { IdentityProvider } from './identity-provider.js';
import { RegistryIdentityProvider } from './registry-identity-provider.js';

export function createIdentityProvider(
  config: IdentityConfig,
  deps: { db: Kysely<Database>; protector: PersonalDataProtector },
): IdentityProvider {
  return config.provider === 'http'
    ? new HttpIdentityProvider({ url: config.url, timeoutMs: config.timeoutMs, retries: config.retries })
    : new RegistryIdentityProvider(deps.db, deps.protector);
}
