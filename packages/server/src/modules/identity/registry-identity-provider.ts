/**
 * The built-in identity provider: the population registry table (人口库) of this node, loaded
 * with `ehc registry import`. A person is found by the blind index of the ID number, never by
 * decrypting the table.
 *
 * check() reads through the database it was given: on the embedded database (one connection)
 * call it before opening the transaction of the registration, not inside it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { compareClaim } from './identity-match.js';
import type { IdentityCheckResult, IdentityClaim, IdentityProvider } from './identity-provider.js';

export class RegistryIdentityProvider implements IdentityProvider {
  readonly name = 'registry';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly protector: PersonalDataProtector,
  ) {}

  async check(claim: IdentityClaim): Promise<IdentityCheckResult> {
    let record: { name: string; gender: string; birthday: string; deceased_on: string | null } | undefined;
    try {
      record = await this.db
        .selectFrom('population_registry')
        .select((eb) => [
          'name',
          'gender',
          eb.cast<string>('birthday', 'text').as('birthday'),
          eb.cast<string | null>('deceased_on', 'text').as('deceased_on'),
        ])
        .where('id_type', '=', claim.idType)
        .where('id_no_index', '=', this.protector.blindIndex('id_no', claim.idNo))
        .executeTakeFirst();
    } catch (error) {
      // The reason is shown to operators: the database's message, never the claim.
      return {
        outcome: 'unavailable',
        reason: `population registry unreachable: ${(error as Error).message}`,
      };
    }
    if (!record) return { outcome: 'unknown' };
    return compareClaim(claim, {
      name: record.name,
      gender: record.gender,
      birthday: record.birthday,
      deceasedOn: record.deceased_on,
    });
  }
}
