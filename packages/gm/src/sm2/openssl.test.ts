// Interoperability with the OpenSSL command line in both directions: keys, signatures, encryption.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../bytes.js';
import { sm2Decrypt, sm2Encrypt } from './encryption.js';
import { sm2GenerateKeyPair, sm2GetPublicKey } from './keys.js';
import { hasOpensslSm2, OpensslWorkspace } from './openssl.test-helpers.js';
import {
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromDer,
  sm2PublicKeyFromPem,
  sm2PublicKeyToPem,
} from './pem.js';
import { sm2PreparePrivateKey, sm2PreparePublicKey, sm2Sign, sm2Verify } from './signature.js';
import { sm2SignatureFromDer, sm2SignatureToDer } from './signature-format.js';

const DEFAULT_ID = 'distid:1234567812345678';
const SIGN = ['pkeyutl', '-sign', '-rawin', '-digest', 'sm3'];
const VERIFY = ['pkeyutl', '-verify', '-rawin', '-digest', 'sm3'];

describe.skipIf(!hasOpensslSm2())('OpenSSL interoperability', () => {
  const ws = new OpensslWorkspace();
  const ours = sm2GenerateKeyPair();
  let opensslPrivate: Uint8Array;
  let opensslPublic: Uint8Array;

  beforeAll(() => {
    // One OpenSSL key pair and one of ours, as PEM files, for the whole file.
    ws.run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'openssl-key.pem');
    ws.run('pkey', '-in', 'openssl-key.pem', '-pubout', '-out', 'openssl-pub.pem');
    opensslPrivate = sm2PrivateKeyFromPem(ws.readText('openssl-key.pem'));
    opensslPublic = sm2PublicKeyFromPem(ws.readText('openssl-pub.pem'));
    ws.write('our-key.pem', sm2PrivateKeyToPem(ours.privateKey));
    ws.write('our-pub.pem', sm2PublicKeyToPem(ours.publicKey));
  });
  afterAll(() => ws.remove());

  describe('keys', () => {
    it('reads the PKCS#8 and SPKI files OpenSSL writes, and derives the same public key', () => {
      expect(sm2GetPublicKey(opensslPrivate)).toEqual(opensslPublic);
      ws.run('pkey', '-in', 'openssl-key.pem', '-outform', 'DER', '-pubout', '-out', 'openssl-pub.der');
      expect(sm2PublicKeyFromDer(ws.read('openssl-pub.der'))).toEqual(opensslPublic);
    });

    it('reads the SEC1 file of `openssl ec` and the output of `openssl ecparam -genkey`', () => {
      ws.run('ec', '-in', 'openssl-key.pem', '-out', 'openssl-sec1.pem');
      expect(sm2PrivateKeyFromPem(ws.readText('openssl-sec1.pem'))).toEqual(opensslPrivate);
      ws.run('ecparam', '-name', 'SM2', '-genkey', '-out', 'ecparam-key.pem');
      const fromEcparam = sm2PrivateKeyFromPem(ws.readText('ecparam-key.pem'));
      ws.run('pkey', '-in', 'ecparam-key.pem', '-pubout', '-out', 'ecparam-pub.pem');
      expect(sm2GetPublicKey(fromEcparam)).toEqual(sm2PublicKeyFromPem(ws.readText('ecparam-pub.pem')));
    });

    it('writes PEM that OpenSSL accepts as the same SM2 key', () => {
      const text = ws.run('pkey', '-in', 'our-key.pem', '-text', '-noout');
      expect(text).toMatch(/ASN1 OID: SM2/);
      expect(text.replace(/[\s:]/g, '')).toContain(`priv${bytesToHex(ours.privateKey)}`);
      expect(ws.run('pkey', '-in', 'our-key.pem', '-pubout')).toBe(sm2PublicKeyToPem(ours.publicKey));
      expect(ws.run('pkey', '-pubin', '-in', 'our-pub.pem', '-pubout')).toBe(
        sm2PublicKeyToPem(ours.publicKey),
      );
      expect(ws.run('pkey', '-in', 'our-key.pem')).toBe(sm2PrivateKeyToPem(ours.privateKey));
    });
  });

  describe('signatures', () => {
    const messages = fc.uint8Array({ minLength: 1, maxLength: 300 });

    it('OpenSSL verifies our DER signatures', () => {
      const prepared = sm2PreparePrivateKey(ours.privateKey);
      fc.assert(
        fc.property(messages, fc.boolean(), (message, usePrepared) => {
          ws.write('msg', message);
          ws.write('sig', sm2Sign(usePrepared ? prepared : ours.privateKey, message, { format: 'der' }));
          const result = ws.status(
            ...VERIFY,
            '-pkeyopt',
            DEFAULT_ID,
            '-pubin',
            '-inkey',
            'our-pub.pem',
            '-in',
            'msg',
            '-sigfile',
            'sig',
          );
          expect(result.output).toMatch(/Signature Verified Successfully/);
          expect(result.status).toBe(0);
        }),
        { numRuns: 8 },
      );
    });

    it('OpenSSL rejects our signature of another message', () => {
      ws.write('msg', utf8ToBytes('signed text'));
      ws.write('sig', sm2Sign(ours.privateKey, utf8ToBytes('other text'), { format: 'der' }));
      const result = ws.status(
        ...VERIFY,
        '-pkeyopt',
        DEFAULT_ID,
        '-pubin',
        '-inkey',
        'our-pub.pem',
        '-in',
        'msg',
        '-sigfile',
        'sig',
      );
      expect(result.status).not.toBe(0);
    });

    it('we verify OpenSSL signatures, raw and prepared key, and reject a flipped bit', () => {
      const prepared = sm2PreparePublicKey(opensslPublic);
      fc.assert(
        fc.property(messages, fc.nat(), (message, at) => {
          ws.write('msg', message);
          ws.run(...SIGN, '-pkeyopt', DEFAULT_ID, '-inkey', 'openssl-key.pem', '-in', 'msg', '-out', 'sig');
          const der = ws.read('sig');
          expect(sm2Verify(opensslPublic, message, der)).toBe(true);
          expect(sm2Verify(prepared, message, der, { format: 'der' })).toBe(true);
          const raw = sm2SignatureFromDer(der);
          expect(sm2Verify(prepared, message, raw)).toBe(true);
          expect(sm2SignatureToDer(raw)).toEqual(der);

          const bit = at % (raw.length * 8);
          const flippedSignature = raw.slice();
          flippedSignature[bit >> 3]! ^= 1 << (bit & 7);
          expect(sm2Verify(prepared, message, flippedSignature)).toBe(false);
          expect(sm2Verify(opensslPublic, message, flippedSignature)).toBe(false);
          const messageBit = at % (message.length * 8);
          const flippedMessage = message.slice();
          flippedMessage[messageBit >> 3]! ^= 1 << (messageBit & 7);
          expect(sm2Verify(prepared, flippedMessage, raw)).toBe(false);
        }),
        { numRuns: 8 },
      );
    });

    it('agrees with OpenSSL on a non-default user ID', () => {
      const message = utf8ToBytes('node 370100');
      ws.write('msg', message);
      ws.run(
        ...SIGN,
        '-pkeyopt',
        'distid:ALICE123@YAHOO.COM',
        '-inkey',
        'openssl-key.pem',
        '-in',
        'msg',
        '-out',
        'sig',
      );
      expect(sm2Verify(opensslPublic, message, ws.read('sig'), { userId: 'ALICE123@YAHOO.COM' })).toBe(true);
      expect(sm2Verify(opensslPublic, message, ws.read('sig'))).toBe(false);
      ws.write('sig', sm2Sign(ours.privateKey, message, { userId: 'ALICE123@YAHOO.COM', format: 'der' }));
      const result = ws.status(
        ...VERIFY,
        '-pkeyopt',
        'distid:ALICE123@YAHOO.COM',
        '-pubin',
        '-inkey',
        'our-pub.pem',
        '-in',
        'msg',
        '-sigfile',
        'sig',
      );
      expect(result.status).toBe(0);
    });
  });

  describe('encryption', () => {
    const plaintexts = fc.uint8Array({ minLength: 1, maxLength: 300 });

    it('OpenSSL decrypts what we encrypt (GM/T 0009 DER)', () => {
      fc.assert(
        fc.property(plaintexts, (plaintext) => {
          ws.write('ct', sm2Encrypt(ours.publicKey, plaintext, { format: 'der' }));
          ws.run('pkeyutl', '-decrypt', '-inkey', 'our-key.pem', '-in', 'ct', '-out', 'pt');
          expect(ws.read('pt')).toEqual(plaintext);
        }),
        { numRuns: 5 },
      );
    });

    it('we decrypt what OpenSSL encrypts', () => {
      fc.assert(
        fc.property(plaintexts, (plaintext) => {
          ws.write('pt', plaintext);
          ws.run('pkeyutl', '-encrypt', '-pubin', '-inkey', 'openssl-pub.pem', '-in', 'pt', '-out', 'ct');
          expect(sm2Decrypt(opensslPrivate, ws.read('ct'), { format: 'der' })).toEqual(plaintext);
        }),
        { numRuns: 5 },
      );
    });
  });
});
