/**
 * The cipher-machine interface (应用密码机). Everything that needs one of the platform's secret
 * keys goes through it, so a hardware HSM can replace the software implementation without the
 * services noticing. Methods are async because a hardware machine is a network call.
 */
export interface MasterIndexInput {
  idType: string;
  idNo: string;
  name: string;
}

export interface EhcIdInput {
  /** 64 hex characters. */
  masterIndex: string;
  idType: string;
  idNo: string;
}

export interface NodePublicKey {
  /** Uncompressed SM2 point 04‖x‖y, lowercase hex. */
  hex: string;
  /** SubjectPublicKeyInfo PEM, as `openssl pkey -pubout` writes. */
  pem: string;
  /** SM3 of the uncompressed point, lowercase hex. */
  fingerprint: string;
}

export interface WrappedDataKey {
  /** The data key itself: keep it in memory only. */
  plaintext: Uint8Array;
  /** The data key encrypted under the machine's data key, hex: store this. */
  wrapped: string;
}

export interface CipherMachine {
  /** True when the keys are auto-created development keys (never for production). */
  readonly development: boolean;
  /** 主索引: SM3 over idType‖idNo‖name (EHC-FORMATS §2). */
  computeMasterIndex(input: MasterIndexInput): Promise<string>;
  /** 电子健康卡ID by the national algorithm, under the node's security key (安全密钥). */
  computeEhcId(input: EhcIdInput): Promise<string>;
  /** Dynamic-code validity field: the expiry encrypted under the protection key (保护密钥). */
  encryptValidity(expiry: Date): Promise<string>;
  /** Inverse of encryptValidity; throws AppError VALIDITY_INVALID on a malformed field. */
  decryptValidity(validity: string): Promise<Date>;
  /** SM2 signature (raw r‖s, 64 bytes) by the node's key, default user ID. */
  signWithNodeKey(message: Uint8Array): Promise<Uint8Array>;
  nodePublicKey(): Promise<NodePublicKey>;
  /** Creates a fresh 16-byte SM4 data key and returns it with its wrapped form. */
  generateDataKey(): Promise<WrappedDataKey>;
  /** Wraps a data key under the machine's data key. */
  encryptDataKey(dataKey: Uint8Array): Promise<string>;
  /** Unwraps a data key; throws AppError KEY_INTEGRITY_FAILED when it was altered. */
  decryptDataKey(wrapped: string): Promise<Uint8Array>;
}
