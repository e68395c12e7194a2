/**
 * How a claim is compared with a registry record, shared by the registry provider and the
 * test registry server so both answer alike. Names are compared after normalising the middle
 * dot of minority and foreign names (·, •, ・, ‧ all mean the same) and surrounding spaces.
 */
import type { IdentityCheckResult, IdentityClaim } from './identity-provider.js';

export interface RegistryRecord {
  name: string;
  gender: string;
  /** YYYY-MM-DD */
  birthday: string;
  /** YYYY-MM-DD, when the registry records a death. */
  deceasedOn: string | null;
}

export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(/[•・‧∙⋅]/g, '·')
    .replace(/\s+/g, ' ');
}

/** The answer for a claim about a person the registry knows. */
export function compareClaim(claim: IdentityClaim, record: RegistryRecord): IdentityCheckResult {
  const fields: ('name' | 'gender' | 'birthday')[] = [];
  if (normaliseName(claim.name) !== normaliseName(record.name)) fields.push('name');
  if (claim.gender.trim() !== record.gender) fields.push('gender');
  if (claim.birthday.trim() !== record.birthday) fields.push('birthday');
  if (fields.length > 0) return { outcome: 'mismatch', fields };
  return record.deceasedOn
    ? { outcome: 'confirmed', level: 'registry', deceasedOn: record.deceasedOn }
    : { outcome: 'confirmed', level: 'registry' };
}
