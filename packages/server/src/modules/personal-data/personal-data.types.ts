/**
 * Protection of personal data at rest (C2): SM4 encryption under a data key that the cipher
 * machine wraps, and an HMAC-SM3 blind index for exact lookup. modules/personal-data implements it.
 */
export type ProtectedField = 'id_no' | 'phone' | 'address';

export interface PersonalDataProtector {
  /** Ciphertext as text (hex or base64, implementation's choice), different each time (random IV). */
  encrypt(field: ProtectedField, plaintext: string): string;
  decrypt(field: ProtectedField, ciphertext: string): string;
  /** Deterministic keyed digest for equality lookup; lowercase hex. Normalises (trim, upper-case X). */
  blindIndex(field: ProtectedField, value: string): string;
}
