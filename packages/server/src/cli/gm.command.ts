/**
 * `ehc gm …`: national-cryptography and EHC-format tools for integrators checking their side:
 * digests, EHC IDs, QR text, and SM2 signatures interchangeable with OpenSSL's.
 */
import fs from 'node:fs';
import {
  bytesToHex,
  computeEhcId,
  hexToBytes,
  isValidIdTypeCode,
  parseQrText,
  QrFormatError,
  sm2PrivateKeyFromPem,
  sm2PublicKeyFromPem,
  sm2Sign,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  sm2Verify,
  sm3,
  utf8ToBytes,
} from '@ehc/gm';
import type { Command } from 'commander';
import { readFileOrFail } from './keys.command.js';
import { action, CliError, printJson, printLine } from './output.js';

const DEFAULT_USER_ID = '1234567812345678';

export function registerGmCommands(program: Command): void {
  const gm = program.command('gm').description('national cryptography and EHC format tools (国密工具)');

  gm.command('sm3')
    .description('print the SM3 digest of <text> (UTF-8) as lowercase hex')
    .argument('<text>', 'the text to digest')
    .option('--hex', 'treat <text> as hexadecimal bytes')
    .action(
      action(async (text: string, options: { hex?: boolean }) => {
        const bytes = options.hex ? parseHex(text, '<text>') : utf8ToBytes(text);
        printLine(bytesToHex(sm3(bytes)));
      }),
    );

  gm.command('ehc-id')
    .description('compute an EHC ID (电子健康卡ID) by the national algorithm')
    .requiredOption('--id-type <code>', 'ID document type, e.g. 01')
    .requiredOption('--id-no <number>', 'ID document number')
    .requiredOption('--master-index <hex>', 'master index, 64 hex characters')
    .requiredOption('--security-key <hex>', 'security key, 32 hex characters')
    .action(
      action(async (options: { idType: string; idNo: string; masterIndex: string; securityKey: string }) => {
        if (!isValidIdTypeCode(options.idType)) {
          throw new CliError(
            `--id-type: unknown ID document type "${options.idType}" (see EHC-FORMATS §1, e.g. 01)`,
          );
        }
        if (!/^[0-9A-Za-z()-]{1,32}$/.test(options.idNo)) {
          throw new CliError(
            '--id-no: must be 1 to 32 letters or digits (it is padded into 32 bytes with the type)',
          );
        }
        if (!/^[0-9A-Fa-f]{64}$/.test(options.masterIndex))
          throw new CliError('--master-index: must be 64 hexadecimal characters');
        if (!/^[0-9A-Fa-f]{32}$/.test(options.securityKey))
          throw new CliError('--security-key: must be 32 hexadecimal characters');
        printLine(
          computeEhcId({
            masterIndex: options.masterIndex.toUpperCase(),
            idType: options.idType,
            idNo: options.idNo,
            securityKey: hexToBytes(options.securityKey),
          }),
        );
      }),
    );

  gm.command('qr-parse')
    .description('parse EHC QR-code text and print its fields as JSON')
    .argument('<text>', 'the QR text, e.g. <EHC ID>:1')
    .action(
      action(async (text: string) => {
        try {
          const parsed = parseQrText(text);
          printJson({
            kind: parsed.kind,
            ...('ehcId' in parsed && parsed.ehcId ? { ehcId: parsed.ehcId } : {}),
            ...('masterIndex' in parsed && parsed.masterIndex ? { masterIndex: parsed.masterIndex } : {}),
            ...('validity' in parsed && parsed.validity ? { validity: parsed.validity } : {}),
            ...('node' in parsed && parsed.node ? { node: parsed.node } : {}),
            ...('signature' in parsed && parsed.signature ? { signature: parsed.signature } : {}),
          });
        } catch (error) {
          if (error instanceof QrFormatError)
            throw new CliError(`not an EHC QR text: ${error.message} [${error.reason}]`);
          throw error;
        }
      }),
    );

  gm.command('sm2-sign')
    .description('sign a file with SM2 (SM3, user ID 1234567812345678); DER output as OpenSSL writes')
    .requiredOption('--key <private.pem>', 'PKCS#8 or SEC1 private key PEM (e.g. from openssl genpkey)')
    .requiredOption('--in <file>', 'the file to sign')
    .requiredOption('--out <sig.der>', 'where to write the DER signature')
    .option('--user-id <id>', 'signer user ID (distid)', DEFAULT_USER_ID)
    .option('--json', 'print what was written as JSON')
    .action(
      action(async (options: { key: string; in: string; out: string; userId: string; json?: boolean }) => {
        const privateKey = parseKey(
          () => sm2PrivateKeyFromPem(readFileOrFail(options.key, 'key').toString('utf8')),
          options.key,
        );
        const message = new Uint8Array(readFileOrFail(options.in, 'input'));
        const der = sm2SignatureToDer(sm2Sign(privateKey, message, { userId: utf8ToBytes(options.userId) }));
        fs.writeFileSync(options.out, der);
        if (options.json)
          printJson({ out: options.out, format: 'der', bytes: der.length, signature: bytesToHex(der) });
      }),
    );

  gm.command('sm2-verify')
    .description('verify an SM2 DER signature; exit 0 when valid, 1 when not')
    .requiredOption('--key <public.pem>', 'SubjectPublicKeyInfo PEM (e.g. from openssl pkey -pubout)')
    .requiredOption('--in <file>', 'the signed file')
    .requiredOption('--sig <sig.der>', 'the DER signature')
    .option('--user-id <id>', 'signer user ID (distid)', DEFAULT_USER_ID)
    .action(
      action(async (options: { key: string; in: string; sig: string; userId: string }) => {
        const publicKey = parseKey(
          () => sm2PublicKeyFromPem(readFileOrFail(options.key, 'key').toString('utf8')),
          options.key,
        );
        const message = new Uint8Array(readFileOrFail(options.in, 'input'));
        const der = new Uint8Array(readFileOrFail(options.sig, 'signature'));
        let raw: Uint8Array;
        try {
          raw = sm2SignatureFromDer(der);
        } catch (error) {
          throw new CliError(`${options.sig} is not a DER SM2 signature: ${(error as Error).message}`);
        }
        if (sm2Verify(publicKey, message, raw, { userId: utf8ToBytes(options.userId) })) {
          printLine('valid');
        } else {
          printLine('invalid');
          process.exitCode = 1;
        }
      }),
    );
}

function parseHex(text: string, what: string): Uint8Array {
  if (!/^([0-9A-Fa-f]{2})*$/.test(text))
    throw new CliError(`${what}: not hexadecimal (an even number of 0-9, a-f)`);
  return hexToBytes(text);
}

function parseKey(read: () => Uint8Array, file: string): Uint8Array {
  try {
    return read();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file} is not a usable SM2 key: ${(error as Error).message}`);
  }
}
