/**
 * Real-name verification (实名认证) behind one interface: the built-in provider reads the
 * population registry table (人口库); another calls a remote HTTP registry.
 */
export type VerificationLevel = 'document' | 'registry' | 'phone_otp' | 'in_person';

export interface IdentityClaim {
  idType: string;
  idNo: string;
  name: string;
  /** GB/T 2261.1 code. */
  gender: string;
  /** YYYY-MM-DD */
  birthday: string;
}

export type IdentityCheckResult =
  | { outcome: 'confirmed'; level: VerificationLevel; deceasedOn?: string }
  | { outcome: 'unknown' }
  | { outcome: 'mismatch'; fields: ('name' | 'gender' | 'birthday')[] }
  | { outcome: 'unavailable'; reason: string };

export interface IdentityProvider {
  readonly name: string;
  check(claim: IdentityClaim): Promise<IdentityCheckResult>;
}
