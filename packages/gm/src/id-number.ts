/**
 * Resident identity numbers (公民身份号码, GB 11643-1999), ID type `01`: validation with a reason
 * code, the region / birth date / sex they encode, the check character, and the upgrade of the
 * old 15-digit numbers to 18 characters.
 *
 * An 18-character number is: 6-digit region (GB/T 2260) ‖ 8-digit birth date YYYYMMDD ‖ 3-digit
 * sequence (odd last digit = male) ‖ check character (ISO 7064 MOD 11-2, `0`–`9` or `X`).
 * A 15-digit number is: region ‖ YYMMDD (19YY) ‖ 3-digit sequence, no check character.
 * Birth dates are checked against today's date in China Standard Time.
 *
 * @module
 */

import { ensureString } from './assert.js';
import { chinaDateString, daysInMonth } from './china-time.js';
import { isValidRegionCode } from './codes.js';

/** GB 11643-1999 §6.2 weights W_i = 2^(17-i) mod 11 of the first 17 digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each value of (Σ a_i·W_i) mod 11. */
const CHECK_CHARACTERS = '10X98765432';
/** Oldest birth year accepted: earlier dates are typing errors, not people. */
const MIN_BIRTH_YEAR = 1800;

/** Why a resident ID number is invalid. */
export type IdNumberProblem =
  | 'LENGTH'
  | 'CHARACTERS'
  | 'REGION'
  | 'BIRTH_DATE_INVALID'
  | 'BIRTH_DATE_IN_FUTURE'
  | 'CHECK_DIGIT';

/** What a valid resident ID number says about its holder. */
export interface ResidentIdInfo {
  /** GB/T 2260 region of first registration, six digits. */
  region: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** GB/T 2261.1 sex: `1` male, `2` female. */
  sex: '1' | '2';
}

/** Result of {@link validateResidentIdNumber}. */
export type IdNumberValidation =
  | ({ valid: true } & ResidentIdInfo)
  | { valid: false; reason: IdNumberProblem; message: string };

/** Options for the checks that depend on the current date. */
export interface IdNumberOptions {
  /** The instant that counts as now for the "birth date in the future" check; default `new Date()`. */
  today?: Date;
}

/**
 * A resident ID number was rejected; `reason` says which rule failed.
 *
 * @example
 * try { parseResidentIdNumber(input); } catch (e) { if (e instanceof IdNumberError) show(e.reason); }
 */
export class IdNumberError extends Error {
  override readonly name = 'IdNumberError';
  constructor(
    readonly reason: IdNumberProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The GB 11643 check character of the first 17 digits.
 *
 * @throws {TypeError} when `first17` is not a string of exactly 17 ASCII digits.
 * @example
 * computeCheckCharacter('11010020171225006'); // 'X'
 */
export function computeCheckCharacter(first17: string): string {
  ensureString(first17, 'first17');
  if (!/^[0-9]{17}$/.test(first17)) {
    throw new TypeError(
      `the check character is computed from exactly 17 digits, got ${JSON.stringify(first17)}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

function invalid(reason: IdNumberProblem, message: string): IdNumberValidation {
  return { valid: false, reason, message };
}

type BirthDateCheck = { iso: string } | { reason: IdNumberProblem; message: string };

/** Checks a YYYYMMDD birth date found at `where` (for the message) against the calendar and today. */
function checkBirthDate(yyyymmdd: string, where: string, today: Date): BirthDateCheck {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (year < MIN_BIRTH_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { reason: 'BIRTH_DATE_INVALID', message: `the birth date ${iso} (${where}) is not a real date` };
  }
  if (iso > chinaDateString(today)) {
    return { reason: 'BIRTH_DATE_IN_FUTURE', message: `the birth date ${iso} (${where}) is in the future` };
  }
  return { iso };
}

/**
 * Validates an 18-character resident ID number. Never throws for a string: the result says
 * whether it is valid and, if not, which rule failed (checked in the order of the reason codes:
 * length, characters, region, birth date, check character).
 *
 * @throws {TypeError} only when `idNo` is not a string.
 * @example
 * validateResidentIdNumber('11010020171225006X');
 * // { valid: true, region: '110100', birthDate: '2017-12-25', sex: '2' }
 * validateResidentIdNumber('110100201712250061');
 * // { valid: false, reason: 'CHECK_DIGIT', message: 'the check character is 1, expected X …' }
 */
export function validateResidentIdNumber(idNo: string, options: IdNumberOptions = {}): IdNumberValidation {
  ensureString(idNo, 'idNo');
  if (idNo.length !== 18) {
    const hint =
      idNo.length === 15 ? '; a 15-digit number must first be upgraded (upgradeIdNumber15To18)' : '';
    return invalid('LENGTH', `a resident ID number has 18 characters, got ${idNo.length}${hint}`);
  }
  if (!/^[0-9]{17}[0-9X]$/.test(idNo)) {
    const hint = idNo.endsWith('x') ? ' (write the check character X in upper case)' : '';
    return invalid('CHARACTERS', `a resident ID number is 17 digits followed by a digit or X${hint}`);
  }
  const region = idNo.slice(0, 6);
  if (!isValidRegionCode(region) && !isResidencePermitRegion(region)) {
    return invalid('REGION', `the region code ${region} (characters 1–6) is not a GB/T 2260 region`);
  }
  const birth = checkBirthDate(idNo.slice(6, 14), 'characters 7–14', options.today ?? new Date());
  if ('reason' in birth) return invalid(birth.reason, birth.message);
  const expected = computeCheckCharacter(idNo.slice(0, 17));
  if (idNo[17] !== expected) {
    return invalid(
      'CHECK_DIGIT',
      `the check character is ${idNo[17]}, expected ${expected}: a character was probably mistyped`,
    );
  }
  return { valid: true, region, birthDate: birth.iso, sex: sexOfSequenceDigit(idNo.charCodeAt(16)) };
}

/**
 * Residence permits for Hong Kong, Macao and Taiwan residents use the GB 11643 layout with the
 * region 810000, 820000 or 830000 (830000 is not a GB/T 2260 code).
 */
function isResidencePermitRegion(region: string): boolean {
  return region === '810000' || region === '820000' || region === '830000';
}

function sexOfSequenceDigit(charCode: number): '1' | '2' {
  return (charCode - 48) % 2 === 1 ? '1' : '2';
}

/**
 * The region, birth date and sex of a valid 18-character resident ID number.
 *
 * @throws {IdNumberError} when the number is invalid (`reason` as in {@link validateResidentIdNumber}).
 * @throws {TypeError} when `idNo` is not a string.
 * @example
 * parseResidentIdNumber('11010020171225006X'); // { region: '110100', birthDate: '2017-12-25', sex: '2' }
 */
export function parseResidentIdNumber(idNo: string, options: IdNumberOptions = {}): ResidentIdInfo {
  const result = validateResidentIdNumber(idNo, options);
  if (!result.valid) throw new IdNumberError(result.reason, result.message);
  return { region: result.region, birthDate: result.birthDate, sex: result.sex };
}

/**
 * Upgrades a 15-digit resident ID number (first-generation cards, births 1900–1999) to the
 * 18-character form: the century `19` goes before the YYMMDD birth date and the check character
 * is appended.
 *
 * @throws {IdNumberError} when `idNo15` is not 15 digits (`LENGTH`, `CHARACTERS`), or its region
 *   or birth date is invalid (`REGION`, `BIRTH_DATE_INVALID`).
 * @throws {TypeError} when `idNo15` is not a string.
 * @example
 * upgradeIdNumber15To18('130503670401001'); // '130503196704010016'
 */
export function upgradeIdNumber15To18(idNo15: string): string {
  ensureString(idNo15, 'idNo15');
  if (idNo15.length !== 15) {
    throw new IdNumberError(
      'LENGTH',
      `a first-generation ID number has 15 digits, got ${idNo15.length} characters`,
    );
  }
  if (!/^[0-9]{15}$/.test(idNo15)) {
    throw new IdNumberError('CHARACTERS', 'a first-generation ID number consists of 15 digits');
  }
  const region = idNo15.slice(0, 6);
  if (!isValidRegionCode(region)) {
    throw new IdNumberError('REGION', `the region code ${region} (digits 1–6) is not a GB/T 2260 region`);
  }
  // Any 19YY date is in the past, so only the calendar check can fail.
  const birth = checkBirthDate(`19${idNo15.slice(6, 12)}`, 'digits 7–12', new Date());
  if ('reason' in birth) throw new IdNumberError(birth.reason, birth.message);
  const first17 = `${region}19${idNo15.slice(6)}`;
  return first17 + computeCheckCharacter(first17);
}
