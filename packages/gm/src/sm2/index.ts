/**
 * SM2 (GB/T 32918, GM/T 0003): key pairs, the SM2 signature scheme, public-key encryption, key
 * files in OpenSSL's PEM/DER forms, and the signatures of EHC QR codes. Pure and I/O-free; the
 * curve arithmetic runs in WebAssembly where available (about five times OpenSSL's speed for
 * repeated verification) and falls back to noble-curves.
 *
 * @module
 */

export { SM2_CURVE } from './curve.js';
export {
  type Sm2CiphertextFormat,
  Sm2DecryptionError,
  type Sm2DecryptionErrorCode,
  type Sm2EncryptionOptions,
  sm2C1C2C3ToC1C3C2,
  sm2C1C3C2ToC1C2C3,
  sm2C1C3C2ToDer,
  sm2Decrypt,
  sm2DerToC1C3C2,
  sm2Encrypt,
  sm2Kdf,
} from './encryption.js';
export { initSm2Wasm, sm2ArithmeticBackend } from './engine.js';
export {
  SM2_COMPRESSED_PUBLIC_KEY_BYTES,
  SM2_PRIVATE_KEY_BYTES,
  SM2_PUBLIC_KEY_BYTES,
  type Sm2KeyPair,
  sm2CompressPublicKey,
  sm2DecompressPublicKey,
  sm2GenerateKeyPair,
  sm2GeneratePrivateKey,
  sm2GetPublicKey,
  sm2IsValidPrivateKey,
  sm2IsValidPublicKey,
  sm2PrivateKeyFromHex,
  sm2PrivateKeyToHex,
  sm2PublicKeyFromHex,
  sm2PublicKeyToHex,
} from './keys.js';
export {
  EC_PUBLIC_KEY_OID,
  SM2_CURVE_OID,
  sm2PrivateKeyFromDer,
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToDer,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromDer,
  sm2PublicKeyFromPem,
  sm2PublicKeyToDer,
  sm2PublicKeyToPem,
} from './pem.js';
export { signQrPayload, verifyQrSignature } from './qr-signature.js';
export {
  SM2_DEFAULT_USER_ID,
  type Sm2PreparedPrivateKey,
  type Sm2PreparedPublicKey,
  type Sm2SignOptions,
  type Sm2UserId,
  type Sm2VerifyOptions,
  sm2ComputeZa,
  sm2MessageDigest,
  sm2PreparePrivateKey,
  sm2PreparePublicKey,
  sm2Sign,
  sm2Verify,
} from './signature.js';
export {
  SM2_SIGNATURE_BYTES,
  type Sm2SignatureFormat,
  sm2SignatureFromDer,
  sm2SignatureToDer,
} from './signature-format.js';
