/**
 * The software cipher machine: the four keys of the national design held in memory, loaded from
 * the key store where they are wrapped under the master key. Suitable for development and for
 * deployments that accept software key protection; a hardware HSM adapter implements the same
 * CipherMachine interface.
 */

import { randomBytes } from 'node:crypto';
import {
  bytesToHex,
  computeEhcId,
  computeMasterIndex,
  decryptValidity,
  encryptValidity,
  sm2PreparePrivateKey,
  sm2PublicKeyToPem,
  sm2Sign,
  sm3,
} from '@ehc/gm';
import { AppError } from '../lib/errors.js';
import type { CipherMachine, NodePublicKey } from './cipher-machine.js';
import { deriveWrappingKeys, unwrapKey, type WrappingKeys, wrapKey } from './key-wrap.js';

export interface SoftwareKeys {
  /** 安全密钥: shared by every node of the national system; derives card keys for EHC IDs. */
  security: Uint8Array;
  /** 保护密钥: encrypts the validity of dynamic codes. */
  protection: Uint8Array;
  /** 数据密钥: wraps the data keys that encrypt personal data at rest. */
  data: Uint8Array;
  /** The node's SM2 key pair (private scalar, uncompressed public point). */
  nodePrivateKey: Uint8Array;
  nodePublicKey: Uint8Array;
}

const DATA_KEY_LABEL = 'data-key';

export class SoftwareCipherMachine implements CipherMachine {
  readonly development: boolean;
  readonly #keys: SoftwareKeys;
  readonly #dataWrapping: WrappingKeys;
  readonly #signer: ReturnType<typeof sm2PreparePrivateKey>;
  readonly #publicKey: NodePublicKey;

  constructor(keys: SoftwareKeys, development: boolean) {
    this.#keys = keys;
    this.development = development;
    this.#dataWrapping = deriveWrappingKeys(keys.data);
    this.#signer = sm2PreparePrivateKey(keys.nodePrivateKey);
    this.#publicKey = {
      hex: bytesToHex(keys.nodePublicKey),
      pem: sm2PublicKeyToPem(keys.nodePublicKey),
      fingerprint: bytesToHex(sm3(keys.nodePublicKey)),
    };
  }

  async computeMasterIndex(input: { idType: string; idNo: string; name: string }): Promise<string> {
    return computeMasterIndex(input);
  }

  async computeEhcId(input: { masterIndex: string; idType: string; idNo: string }): Promise<string> {
    return computeEhcId({ ...input, securityKey: this.#keys.security });
  }

  async encryptValidity(expiry: Date): Promise<string> {
    return encryptValidity(expiry, this.#keys.protection);
  }

  async decryptValidity(validity: string): Promise<Date> {
    try {
      return decryptValidity(validity, this.#keys.protection);
    } catch (error) {
      throw new AppError('VALIDITY_INVALID', undefined, undefined, { cause: error });
    }
  }

  async signWithNodeKey(message: Uint8Array): Promise<Uint8Array> {
    return sm2Sign(this.#signer, message);
  }

  async nodePublicKey(): Promise<NodePublicKey> {
    return this.#publicKey;
  }

  async generateDataKey(): Promise<{ plaintext: Uint8Array; wrapped: string }> {
    const plaintext = new Uint8Array(randomBytes(16));
    return { plaintext, wrapped: wrapKey(this.#dataWrapping, DATA_KEY_LABEL, plaintext) };
  }

  async encryptDataKey(dataKey: Uint8Array): Promise<string> {
    if (dataKey.length !== 16) throw new RangeError('a data key is 16 bytes (SM4)');
    return wrapKey(this.#dataWrapping, DATA_KEY_LABEL, dataKey);
  }

  async decryptDataKey(wrapped: string): Promise<Uint8Array> {
    const key = unwrapKey(this.#dataWrapping, DATA_KEY_LABEL, wrapped);
    if (!key)
      throw new AppError(
        'KEY_INTEGRITY_FAILED',
        'the wrapped data key is damaged or was wrapped by another machine',
      );
    return key;
  }

  /** Keys never reach logs: util.inspect and JSON show only this. */
  toJSON(): object {
    return { kind: 'software-cipher-machine', development: this.development };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SoftwareCipherMachine { development: ${this.development} }`;
  }
}
