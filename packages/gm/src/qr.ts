/**
 * The text inside an EHC QR code (EHC-FORMATS §3): encoder and strict parser for every form.
 *
 * | form                  | text                                              | fields |
 * |-----------------------|---------------------------------------------------|--------|
 * | static                | `<EHC ID>:1`                                      | 2      |
 * | static with node      | `<EHC ID>:1::<node>`                              | 4      |
 * | dynamic               | `<EHC ID>:0:<validity>`                           | 3      |
 * | temporary card        | `<master index>:9`                                | 2      |
 * | signed static         | `<EHC ID>:1::<node>:<signature>`                  | 5      |
 * | signed dynamic        | `<EHC ID>:0:<validity>:<node>:<signature>`        | 5      |
 *
 * - EHC ID and master index: 64 uppercase hex characters.
 * - validity: 32 uppercase hex characters (see `validity.ts`).
 * - node: the issuing node's code. We define it as a GB/T 2260 region code (six digits, well
 *   formed per `parseRegionCode`), optionally followed by `-` and 1–8 digits or uppercase
 *   letters where one region has several nodes: `370100`, `370100-01`, `370100-HOSP2`. Only
 *   digits, uppercase letters, `-` and `:` appear in any form, all in the QR alphanumeric set.
 * - signature: 128 uppercase hex characters, the 64-byte SM2 signature r ‖ s by the node's key
 *   over the ASCII bytes of everything before the last `:` (`signedPayload`). Verifying it is
 *   the SM2 module's job.
 *
 * The parser accepts exactly these forms and throws {@link QrFormatError} for anything else,
 * including lowercase hex and surrounding whitespace (strip scanner line endings first); it
 * never throws anything else for any string.
 *
 * @module
 */

import { isValidRegionCode } from './codes.js';

/**
 * The type field (field 2) of each kind of code.
 *
 * @example
 * QR_CODE_TYPES.dynamic; // '0'
 */
export const QR_CODE_TYPES = Object.freeze({ dynamic: '0', static: '1', temporary: '9' } as const);

/**
 * Length of the longest valid text: a signed dynamic code with the longest node code. Longer
 * input is rejected (`TOO_LONG`) before it is split.
 *
 * @example
 * MAX_QR_TEXT_LENGTH; // 244
 */
export const MAX_QR_TEXT_LENGTH = 64 + 1 + 1 + 1 + 32 + 1 + 15 + 1 + 128;

/** Why a QR text was rejected. */
export type QrFormatProblem =
  | 'NOT_STRING'
  | 'EMPTY'
  | 'TOO_LONG'
  | 'BAD_FIELD_COUNT'
  | 'BAD_TYPE'
  | 'BAD_EHC_ID'
  | 'BAD_MASTER_INDEX'
  | 'BAD_VALIDITY'
  | 'BAD_NODE'
  | 'BAD_SIGNATURE';

/**
 * A text is not a valid EHC QR code (or a code to encode has an invalid field). `reason` is
 * stable for programs; the message says in plain words what is wrong, without echoing the input.
 *
 * @example
 * try { parseQrText(scanned); } catch (e) { if (e instanceof QrFormatError) reply(400, e.reason); }
 */
export class QrFormatError extends Error {
  override readonly name = 'QrFormatError';
  constructor(
    readonly reason: QrFormatProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Signature part of a signed code: all three present or all absent. */
interface SignatureFields {
  /** Issuing node's code; present on static codes with a node and on every signed code. */
  node?: string;
  /** 128 uppercase hex (SM2 r ‖ s); present only on signed codes. */
  signature?: string;
  /** The ASCII text the signature covers (everything before the last `:`); only from the parser. */
  signedPayload?: string;
}

/** `<EHC ID>:1`, `<EHC ID>:1::<node>` or signed `<EHC ID>:1::<node>:<signature>`. */
export interface StaticQrCode extends SignatureFields {
  kind: 'static';
  ehcId: string;
}

/** `<EHC ID>:0:<validity>` or signed `<EHC ID>:0:<validity>:<node>:<signature>`. */
export interface DynamicQrCode extends SignatureFields {
  kind: 'dynamic';
  ehcId: string;
  validity: string;
}

/** `<master index>:9`. */
export interface TemporaryQrCode {
  kind: 'temporary';
  masterIndex: string;
}

/** A parsed QR code. */
export type QrCode = StaticQrCode | DynamicQrCode | TemporaryQrCode;

const HEX64 = /^[0-9A-F]{64}$/;
const HEX32 = /^[0-9A-F]{32}$/;
const HEX128 = /^[0-9A-F]{128}$/;
const NODE = /^([0-9]{6})(?:-[0-9A-Z]{1,8})?$/;

/**
 * Whether `node` is a valid node code: a well-formed six-digit region code, optionally followed
 * by `-` and 1–8 digits or uppercase letters.
 *
 * @example
 * isValidNodeCode('370100-01'); // true
 * isValidNodeCode('370100-a'); // false: lowercase
 */
export function isValidNodeCode(node: unknown): node is string {
  if (typeof node !== 'string') return false;
  const match = NODE.exec(node);
  return match !== null && isValidRegionCode(match[1]);
}

/** What is wrong with a hex field, in words, without echoing it. */
function describeHexField(value: string, length: number): string {
  if (value.length !== length) return `got ${value.length} characters`;
  if (/^[0-9A-Fa-f]+$/.test(value)) return 'got lowercase hex';
  return 'got characters other than 0-9 and A-F';
}

function fail(reason: QrFormatProblem, message: string): never {
  throw new QrFormatError(reason, message);
}

function checkEhcId(ehcId: unknown, field: string): string {
  if (typeof ehcId !== 'string' || !HEX64.test(ehcId)) {
    const detail = typeof ehcId === 'string' ? describeHexField(ehcId, 64) : `got ${typeof ehcId}`;
    fail('BAD_EHC_ID', `${field} must be an EHC ID of 64 uppercase hex characters; ${detail}`);
  }
  return ehcId;
}

function checkMasterIndex(masterIndex: unknown, field: string): string {
  if (typeof masterIndex !== 'string' || !HEX64.test(masterIndex)) {
    const detail =
      typeof masterIndex === 'string' ? describeHexField(masterIndex, 64) : `got ${typeof masterIndex}`;
    fail(
      'BAD_MASTER_INDEX',
      `${field} of a temporary code must be a master index of 64 uppercase hex characters; ${detail}`,
    );
  }
  return masterIndex;
}

function checkValidity(validity: unknown, field: string): string {
  if (typeof validity !== 'string' || !HEX32.test(validity)) {
    const detail = typeof validity === 'string' ? describeHexField(validity, 32) : `got ${typeof validity}`;
    fail(
      'BAD_VALIDITY',
      `${field} of a dynamic code must be a validity of 32 uppercase hex characters; ${detail}`,
    );
  }
  return validity;
}

function checkNode(node: unknown, field: string): string {
  if (!isValidNodeCode(node)) {
    fail(
      'BAD_NODE',
      `${field} must be a node code: a six-digit GB/T 2260 region code, optionally followed by '-' and 1–8 digits or uppercase letters`,
    );
  }
  return node;
}

function checkSignature(signature: unknown, field: string): string {
  if (typeof signature !== 'string' || !HEX128.test(signature)) {
    const detail =
      typeof signature === 'string' ? describeHexField(signature, 128) : `got ${typeof signature}`;
    fail('BAD_SIGNATURE', `${field} must be an SM2 signature of 128 uppercase hex characters; ${detail}`);
  }
  return signature;
}

/** The layouts each type allows, by field count, for the BAD_FIELD_COUNT message. */
/** A Map, not an object literal, so that a type field like `__proto__` finds nothing. */
const LAYOUTS = new Map<string, { counts: readonly number[]; forms: string }>([
  ['1', { counts: [2, 4, 5], forms: '<EHC ID>:1, <EHC ID>:1::<node> or <EHC ID>:1::<node>:<signature>' }],
  ['0', { counts: [3, 5], forms: '<EHC ID>:0:<validity> or <EHC ID>:0:<validity>:<node>:<signature>' }],
  ['9', { counts: [2], forms: '<master index>:9' }],
]);

function parseFields(text: string): QrCode {
  const fields = text.split(':');
  const count = fields.length;
  if (count < 2 || count > 5) {
    fail('BAD_FIELD_COUNT', `a QR code has 2 to 5 fields separated by ':', got ${count}`);
  }
  const type = fields[1]!;
  const layout = LAYOUTS.get(type);
  if (!layout)
    fail('BAD_TYPE', "field 2 (the code type) must be '1' (static), '0' (dynamic) or '9' (temporary)");
  if (!layout.counts.includes(count)) {
    fail('BAD_FIELD_COUNT', `a code of type '${type}' is ${layout.forms}; got ${count} fields`);
  }
  if (type === '9') return { kind: 'temporary', masterIndex: checkMasterIndex(fields[0], 'field 1') };

  const ehcId = checkEhcId(fields[0], 'field 1');
  let code: StaticQrCode | DynamicQrCode;
  if (type === '0') {
    code = { kind: 'dynamic', ehcId, validity: checkValidity(fields[2], 'field 3') };
  } else {
    if (count > 2 && fields[2] !== '') {
      fail(
        'BAD_VALIDITY',
        'field 3 of a static code with a node must be empty (static codes have no validity)',
      );
    }
    code = { kind: 'static', ehcId };
  }
  if (count >= 4) code.node = checkNode(fields[3], 'field 4');
  if (count === 5) {
    code.signature = checkSignature(fields[4], 'field 5');
    code.signedPayload = text.slice(0, text.lastIndexOf(':'));
  }
  return code;
}

/**
 * Parses the text of an EHC QR code. Accepts exactly the forms in the module comment.
 *
 * @throws {QrFormatError} for anything else, and never any other error, whatever the input.
 * @example
 * parseQrText('98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928:1');
 * // { kind: 'static', ehcId: '98FF…1928' }
 * parseQrText(`${ehcId}:0:${validity}:370100:${signature}`);
 * // { kind: 'dynamic', ehcId, validity, node: '370100', signature, signedPayload: `${ehcId}:0:${validity}:370100` }
 */
export function parseQrText(text: string): QrCode {
  if (typeof text !== 'string')
    fail('NOT_STRING', `QR text must be a string, got ${text === null ? 'null' : typeof text}`);
  if (text.length === 0) fail('EMPTY', 'QR text is empty');
  if (text.length > MAX_QR_TEXT_LENGTH) {
    fail(
      'TOO_LONG',
      `QR text is ${text.length} characters, longer than any valid code (${MAX_QR_TEXT_LENGTH})`,
    );
  }
  try {
    return parseFields(text);
  } catch (error) {
    if (error instanceof QrFormatError && text.trim() !== text) {
      throw new QrFormatError(
        error.reason,
        `${error.message} (the text has leading or trailing whitespace: strip the scanner's line ending first)`,
      );
    }
    throw error;
  }
}

/** A code to encode: as parsed, without the parser's `signedPayload`. */
export type QrCodeInput =
  | Omit<StaticQrCode, 'signedPayload'>
  | Omit<DynamicQrCode, 'signedPayload'>
  | TemporaryQrCode;

/** The text of a code without its signature field; with `forSigning` the node is required. */
function encodeUnsigned(code: QrCodeInput, forSigning: boolean): string {
  switch (code.kind) {
    case 'temporary':
      return `${checkMasterIndex(code.masterIndex, 'masterIndex')}:9`;
    case 'static': {
      const ehcId = checkEhcId(code.ehcId, 'ehcId');
      if (code.node === undefined && !forSigning) return `${ehcId}:1`;
      return `${ehcId}:1::${checkNode(code.node, 'node')}`;
    }
    case 'dynamic': {
      const head = `${checkEhcId(code.ehcId, 'ehcId')}:0:${checkValidity(code.validity, 'validity')}`;
      if (!forSigning) {
        if (code.node !== undefined) {
          fail('BAD_NODE', 'an unsigned dynamic code has no node field: sign the code or leave the node out');
        }
        return head;
      }
      return `${head}:${checkNode(code.node, 'node')}`;
    }
    default:
      return fail('BAD_TYPE', `kind must be 'static', 'dynamic' or 'temporary'`);
  }
}

/**
 * The ASCII text a node signs to make a signed code: `<EHC ID>:1::<node>` or
 * `<EHC ID>:0:<validity>:<node>`. Sign `asciiToBytes(payload)` with SM2 (SM3, default user ID),
 * then pass the signature to {@link encodeQrText}.
 *
 * @throws {QrFormatError} when a field is invalid, the node is missing, or the code is temporary
 *   (temporary codes are not signed).
 * @example
 * const payload = qrSigningPayload({ kind: 'dynamic', ehcId, validity, node: '370100' });
 * const text = encodeQrText({ kind: 'dynamic', ehcId, validity, node: '370100', signature: sign(payload) });
 */
export function qrSigningPayload(code: QrCodeInput): string {
  if (code.kind === 'temporary') fail('BAD_TYPE', 'temporary codes are not signed');
  return encodeUnsigned(code, true);
}

/**
 * Encodes a code as QR text: the inverse of {@link parseQrText}. A code with a `signature`
 * becomes the signed form (its `node` is required); a static code with only a `node` becomes
 * `<EHC ID>:1::<node>`.
 *
 * @throws {QrFormatError} when a field is invalid, with the same reasons as the parser.
 * @example
 * encodeQrText({ kind: 'static', ehcId }); // `${ehcId}:1`
 * encodeQrText({ kind: 'dynamic', ehcId, validity: encryptValidity(expiry, protectionKey) }); // `${ehcId}:0:${validity}`
 * encodeQrText({ kind: 'temporary', masterIndex }); // `${masterIndex}:9`
 */
export function encodeQrText(code: QrCodeInput): string {
  if (typeof code !== 'object' || code === null) fail('BAD_TYPE', 'the code to encode must be an object');
  if (code.kind !== 'temporary' && code.signature !== undefined) {
    return `${encodeUnsigned(code, true)}:${checkSignature(code.signature, 'signature')}`;
  }
  return encodeUnsigned(code, false);
}
