/**
 * `@ehc/gm`: national cryptography (SM2, SM3, SM4) and the EHC formats built on it. Pure and
 * I/O-free; runs in Node (OpenSSL backend) and the browser (TypeScript backend).
 *
 * @module
 */

export {
  asciiToBytes,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  equalBytes,
  hexToBytes,
  utf8ToBytes,
} from './bytes.js';
export * from './codes.js';
export {
  computeEhcId,
  computeMasterIndex,
  deriveCardFactor,
  deriveCardKey,
  type EhcIdInput,
  type MasterIndexInput,
} from './ehc-id.js';
export {
  computeCheckCharacter,
  IdNumberError,
  type IdNumberOptions,
  type IdNumberProblem,
  type IdNumberValidation,
  parseResidentIdNumber,
  type ResidentIdInfo,
  upgradeIdNumber15To18,
  validateResidentIdNumber,
} from './id-number.js';
export {
  type DynamicQrCode,
  encodeQrText,
  isValidNodeCode,
  MAX_QR_TEXT_LENGTH,
  parseQrText,
  QR_CODE_TYPES,
  type QrCode,
  type QrCodeInput,
  QrFormatError,
  type QrFormatProblem,
  qrSigningPayload,
  type StaticQrCode,
  type TemporaryQrCode,
} from './qr.js';
export * from './sm2/index.js';
export { hmacSm3, sm3 } from './sm3.js';
export {
  createSm4Cipher,
  SM4_BLOCK_SIZE,
  type Sm4Cipher,
  type Sm4Options,
  type Sm4Padding,
  Sm4PaddingError,
  sm4DecryptCbc,
  sm4DecryptEcb,
  sm4EncryptCbc,
  sm4EncryptEcb,
} from './sm4.js';
export { decryptValidity, encryptValidity, ValidityError, type ValidityProblem } from './validity.js';
