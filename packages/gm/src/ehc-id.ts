/**
 * Master index (主索引) and EHC ID (电子健康卡ID) by the national algorithm (EHC-FORMATS §2).
 *
 * The master index identifies a person: SM3 over the UTF-8 bytes of idType ‖ idNo ‖ name. The
 * EHC ID identifies the card and is derived from the master index and the identity document
 * under the national security key (安全密钥), so every node holding that key issues the same EHC
 * ID for the same person without asking anyone:
 *
 * 1. factor = XOR of the master index's four 8-byte groups;
 * 2. card key = SM4-ECB(security key, factor ‖ NOT factor);
 * 3. EHC ID = SM4-ECB(card key, ASCII idType ‖ idNo zero-padded to 32 bytes), uppercase hex.
 *
 * @module
 */

import { ensureBytesOfLength, ensureString } from './assert.js';
import { asciiToBytes, bytesToHex, hexToBytes, utf8ToBytes } from './bytes.js';
import { sm3 } from './sm3.js';
import { sm4EncryptEcb } from './sm4.js';

/** Length in bytes of the zero-padded idType ‖ idNo plaintext (two SM4 blocks). */
const IDENTITY_BLOCK_BYTES = 32;
const NO_PADDING = { padding: 'none' } as const;

/** The identity a master index is computed from. */
export interface MasterIndexInput {
  /** ID document type code, e.g. `01` (see `ID_TYPE_CODES`). */
  idType: string;
  /** Document number as registered, e.g. `11010020171225006X`. */
  idNo: string;
  /** Holder's name as registered, e.g. `张三`; hashed as given (no trimming or normalisation). */
  name: string;
}

/**
 * The master index: SM3 over the UTF-8 bytes of `idType ‖ idNo ‖ name`, 64 uppercase hex.
 *
 * @throws {TypeError} when a field is not a string.
 * @example
 * computeMasterIndex({ idType: '01', idNo: '11010020171225006X', name: '张三' }); // 64 uppercase hex
 */
export function computeMasterIndex(input: MasterIndexInput): string {
  ensureString(input.idType, 'idType');
  ensureString(input.idNo, 'idNo');
  ensureString(input.name, 'name');
  return bytesToHex(sm3(utf8ToBytes(input.idType + input.idNo + input.name))).toUpperCase();
}

function masterIndexBytes(masterIndex: string): Uint8Array {
  ensureString(masterIndex, 'masterIndex');
  if (masterIndex.length !== 64) {
    throw new RangeError(`masterIndex must be 64 hex characters, got ${masterIndex.length}`);
  }
  return hexToBytes(masterIndex);
}

/**
 * Step 1: the 8-byte card factor, the XOR of the master index's four 8-byte groups.
 *
 * @throws {RangeError} when `masterIndex` is not 64 characters; {TypeError} when it is not hex.
 * @example
 * bytesToHex(deriveCardFactor('ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E'));
 * // '92cdce45a16799fd'
 */
export function deriveCardFactor(masterIndex: string): Uint8Array {
  const index = masterIndexBytes(masterIndex);
  const factor = new Uint8Array(8);
  for (let i = 0; i < 8; i++) factor[i] = index[i]! ^ index[i + 8]! ^ index[i + 16]! ^ index[i + 24]!;
  return factor;
}

/**
 * Step 2: the 16-byte card key, SM4-ECB under the security key of factor ‖ NOT factor.
 *
 * @throws {RangeError} when `securityKey` is not 16 bytes or `masterIndex` not 64 characters.
 * @throws {TypeError} when `masterIndex` is not hex or `securityKey` not a Uint8Array.
 * @example
 * bytesToHex(deriveCardKey(masterIndex, hexToBytes('0123456789ABCDEFFEDCBA9876543210')));
 * // '86c63180c2806ed1f47b859de501215b' for the published master index
 */
export function deriveCardKey(masterIndex: string, securityKey: Uint8Array): Uint8Array {
  ensureBytesOfLength(securityKey, 16, 'securityKey');
  const factor = deriveCardFactor(masterIndex);
  const block = new Uint8Array(16);
  block.set(factor);
  for (let i = 0; i < 8; i++) block[8 + i] = ~factor[i]! & 0xff;
  return sm4EncryptEcb(securityKey, block, NO_PADDING);
}

/** Inputs of {@link computeEhcId}. */
export interface EhcIdInput {
  /** 64 hex characters (either case). */
  masterIndex: string;
  /** ID document type code, printable ASCII. */
  idType: string;
  /** Document number, printable ASCII; idType and idNo together at most 32 characters. */
  idNo: string;
  /** The national security key, 16 bytes. */
  securityKey: Uint8Array;
}

/**
 * The EHC ID: 64 uppercase hex characters.
 *
 * @throws {TypeError} when a field has the wrong type, `masterIndex` is not hex, or idType/idNo
 *   contain anything but printable ASCII.
 * @throws {RangeError} when `masterIndex` is not 64 characters, `securityKey` not 16 bytes, idType or
 *   idNo empty, or idType ‖ idNo longer than 32 characters.
 * @example
 * computeEhcId({
 *   masterIndex: 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E',
 *   idType: '01',
 *   idNo: '11010020171225006X',
 *   securityKey: hexToBytes('0123456789ABCDEFFEDCBA9876543210'),
 * }); // '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928'
 */
export function computeEhcId(input: EhcIdInput): string {
  const { masterIndex, idType, idNo, securityKey } = input;
  ensureString(idType, 'idType');
  ensureString(idNo, 'idNo');
  if (idType.length === 0 || idNo.length === 0) throw new RangeError('idType and idNo must not be empty');
  const identity = idType + idNo;
  // Zero bytes pad the plaintext, so the identity itself must not contain them (or other controls).
  if (!/^[\x21-\x7e]*$/.test(identity)) {
    throw new TypeError(
      'idType and idNo must be printable ASCII (no spaces, no control or non-ASCII characters)',
    );
  }
  if (identity.length > IDENTITY_BLOCK_BYTES) {
    throw new RangeError(
      `idType and idNo together must be at most ${IDENTITY_BLOCK_BYTES} characters, got ${identity.length}`,
    );
  }
  const cardKey = deriveCardKey(masterIndex, securityKey);
  const plaintext = new Uint8Array(IDENTITY_BLOCK_BYTES);
  plaintext.set(asciiToBytes(identity));
  return bytesToHex(sm4EncryptEcb(cardKey, plaintext, NO_PADDING)).toUpperCase();
}
