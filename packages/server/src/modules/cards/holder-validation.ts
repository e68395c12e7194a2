/**
 * Rules for holder data at registration and modification. Each rule has its own error code so an
 * integrator can tell exactly which field to fix; the details name the field, never echo an ID number.
 */
import {
  isValidCardChannelCode,
  isValidEthnicityCode,
  isValidIdTypeCode,
  isValidMaritalStatusCode,
  isValidSexCode,
  validateResidentIdNumber,
} from '@ehc/gm';
import { AppError } from '../../lib/errors.js';

export interface HolderInput {
  idType: string;
  idNo: string;
  name: string;
  gender: string;
  /** yyyy-MM-dd */
  birthday: string;
  nation?: string | undefined;
  nationality?: string | undefined;
  cellphone?: string | undefined;
  address?: string | undefined;
  maritalStatus?: string | undefined;
}

// Chinese names may contain the middle dot of minority and foreign names (·, also typed as • or ・).
const NAME = /^[\p{Script=Han}A-Za-z][\p{Script=Han}A-Za-z ·•・]{0,49}$/u;
const MOBILE = /^1[3-9]\d{9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates and normalises holder data; throws the AppError of the first broken rule. */
export function validateHolder(input: HolderInput, today = new Date()): HolderInput {
  if (!isValidIdTypeCode(input.idType)) throw fieldError('ID_TYPE_INVALID', 'id_type');
  const name = input.name.trim().replace(/[•・]/g, '·');
  if (!NAME.test(name) || [...name].length > 50) throw fieldError('NAME_INVALID', 'name');
  if (!isValidSexCode(input.gender)) throw fieldError('GENDER_INVALID', 'gender');
  if (!isRealPastDate(input.birthday, today)) throw fieldError('BIRTHDAY_INVALID', 'birthday');
  if (input.nation !== undefined && input.nation !== '' && !isValidEthnicityCode(input.nation)) {
    throw fieldError('NATION_INVALID', 'nation');
  }
  if (
    input.maritalStatus !== undefined &&
    input.maritalStatus !== '' &&
    !isValidMaritalStatusCode(input.maritalStatus)
  ) {
    throw new AppError('VALIDATION_FAILED', 'maritalstatus is not a GB/T 2261.2 code', {
      issues: [{ path: '/maritalstatus', message: 'not a GB/T 2261.2 code' }],
    });
  }
  const cellphone = input.cellphone?.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (cellphone !== undefined && cellphone !== '' && !MOBILE.test(cellphone))
    throw fieldError('PHONE_INVALID', 'cellphone');

  let idNo = input.idNo.trim();
  if (input.idType === '01') {
    idNo = idNo.toUpperCase();
    const result = validateResidentIdNumber(idNo, { today });
    if (!result.valid) throw fieldError('ID_NUMBER_INVALID', 'id_no', result.reason);
    if (result.birthDate !== input.birthday) throw fieldError('ID_NUMBER_BIRTHDAY_MISMATCH', 'birthday');
    if (input.gender !== result.sex) throw fieldError('ID_NUMBER_GENDER_MISMATCH', 'gender');
  } else if (!/^[0-9A-Za-z()-]{4,32}$/.test(idNo)) {
    throw fieldError('ID_NUMBER_INVALID', 'id_no', 'CHARACTERS');
  }

  return {
    ...input,
    idNo,
    name,
    cellphone: cellphone === '' ? undefined : cellphone,
    nation: input.nation === '' ? undefined : input.nation,
    address: input.address?.trim() === '' ? undefined : input.address?.trim(),
  };
}

/** What a temporary card may know of its holder: everything optional, each given field checked. */
export interface TemporaryHolderInput {
  name?: string | undefined;
  gender?: string | undefined;
  birthday?: string | undefined;
  cellphone?: string | undefined;
}

export function validateTemporaryHolder(
  input: TemporaryHolderInput,
  today = new Date(),
): TemporaryHolderInput {
  const name = input.name?.trim().replace(/[•・]/g, '·');
  if (name !== undefined && name !== '' && (!NAME.test(name) || [...name].length > 50))
    throw fieldError('NAME_INVALID', 'name');
  if (input.gender !== undefined && !isValidSexCode(input.gender))
    throw fieldError('GENDER_INVALID', 'gender');
  if (input.birthday !== undefined && !isRealPastDate(input.birthday, today))
    throw fieldError('BIRTHDAY_INVALID', 'birthday');
  const cellphone = input.cellphone?.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (cellphone !== undefined && cellphone !== '' && !MOBILE.test(cellphone))
    throw fieldError('PHONE_INVALID', 'cellphone');
  return {
    name: name === '' ? undefined : name,
    gender: input.gender,
    birthday: input.birthday,
    cellphone: cellphone === '' ? undefined : cellphone,
  };
}

export function validateChannel(channel: string): void {
  if (!isValidCardChannelCode(channel)) throw fieldError('CHANNEL_INVALID', 'channel');
}

function isRealPastDate(text: string, today: Date): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return y >= 1850 && date.getTime() <= today.getTime() + 24 * 3600 * 1000;
}

function fieldError(
  code:
    | 'ID_TYPE_INVALID'
    | 'ID_NUMBER_INVALID'
    | 'ID_NUMBER_BIRTHDAY_MISMATCH'
    | 'ID_NUMBER_GENDER_MISMATCH'
    | 'NAME_INVALID'
    | 'GENDER_INVALID'
    | 'NATION_INVALID'
    | 'BIRTHDAY_INVALID'
    | 'PHONE_INVALID'
    | 'CHANNEL_INVALID',
  field: string,
  reason?: string,
): AppError {
  return new AppError(code, undefined, { field, ...(reason ? { reason } : {}) });
}
