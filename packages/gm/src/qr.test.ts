import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.js';
import { PROVINCE_CODES } from './codes.js';
import { computeEhcId } from './ehc-id.js';
import {
  encodeQrText,
  isValidNodeCode,
  MAX_QR_TEXT_LENGTH,
  parseQrText,
  type QrCode,
  type QrCodeInput,
  QrFormatError,
  type QrFormatProblem,
  qrSigningPayload,
} from './qr.js';
import { decryptValidity, encryptValidity } from './validity.js';

const EHC_ID = '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928';
const MASTER_INDEX = 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E';
const VALIDITY = '0123456789ABCDEF0123456789ABCDEF';
const SIGNATURE = 'AB'.repeat(64);

const upperHex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => bytesToHex(b).toUpperCase());
const twoDigits = (min: number) => fc.integer({ min, max: 99 }).map((n) => String(n).padStart(2, '0'));
const nodeCode = fc
  .tuple(
    fc.constantFrom(...PROVINCE_CODES.map((p) => p.code.slice(0, 2))),
    fc.oneof(
      fc.constant('0000'),
      fc.tuple(twoDigits(1), twoDigits(0)).map(([c, d]) => c + d),
    ),
    fc.option(fc.stringMatching(/^[0-9A-Z]{1,8}$/), { nil: undefined }),
  )
  .map(([province, rest, suffix]) => `${province}${rest}${suffix === undefined ? '' : `-${suffix}`}`);

const staticCode: fc.Arbitrary<QrCodeInput> = fc.oneof(
  fc.record({ kind: fc.constant('static' as const), ehcId: upperHex(32) }),
  fc.record({ kind: fc.constant('static' as const), ehcId: upperHex(32), node: nodeCode }),
  fc.record({
    kind: fc.constant('static' as const),
    ehcId: upperHex(32),
    node: nodeCode,
    signature: upperHex(64),
  }),
);
const dynamicCode: fc.Arbitrary<QrCodeInput> = fc.oneof(
  fc.record({ kind: fc.constant('dynamic' as const), ehcId: upperHex(32), validity: upperHex(16) }),
  fc.record({
    kind: fc.constant('dynamic' as const),
    ehcId: upperHex(32),
    validity: upperHex(16),
    node: nodeCode,
    signature: upperHex(64),
  }),
);
const temporaryCode: fc.Arbitrary<QrCodeInput> = fc.record({
  kind: fc.constant('temporary' as const),
  masterIndex: upperHex(32),
});
const anyCode = fc.oneof(staticCode, dynamicCode, temporaryCode);

function reasonOf(text: unknown): QrFormatProblem | 'ACCEPTED' | 'OTHER ERROR' {
  try {
    parseQrText(text as string);
    return 'ACCEPTED';
  } catch (e) {
    return e instanceof QrFormatError ? e.reason : 'OTHER ERROR';
  }
}

function errorOf(fn: () => unknown): QrFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof QrFormatError) return e;
    throw e;
  }
  throw new Error('expected a QrFormatError');
}

describe('parseQrText: the documented forms', () => {
  it('static', () => {
    expect(parseQrText(`${EHC_ID}:1`)).toEqual({ kind: 'static', ehcId: EHC_ID });
  });

  it('static with node', () => {
    expect(parseQrText(`${EHC_ID}:1::370100`)).toEqual({ kind: 'static', ehcId: EHC_ID, node: '370100' });
    expect(parseQrText(`${EHC_ID}:1::370100-01`)).toEqual({
      kind: 'static',
      ehcId: EHC_ID,
      node: '370100-01',
    });
  });

  it('dynamic', () => {
    expect(parseQrText(`${EHC_ID}:0:${VALIDITY}`)).toEqual({
      kind: 'dynamic',
      ehcId: EHC_ID,
      validity: VALIDITY,
    });
  });

  it('temporary', () => {
    expect(parseQrText(`${MASTER_INDEX}:9`)).toEqual({ kind: 'temporary', masterIndex: MASTER_INDEX });
  });

  it('signed static, with an empty validity field', () => {
    const text = `${EHC_ID}:1::370102:${SIGNATURE}`;
    expect(parseQrText(text)).toEqual({
      kind: 'static',
      ehcId: EHC_ID,
      node: '370102',
      signature: SIGNATURE,
      signedPayload: `${EHC_ID}:1::370102`,
    });
  });

  it('signed dynamic', () => {
    const text = `${EHC_ID}:0:${VALIDITY}:370000-HOSP2:${SIGNATURE}`;
    expect(parseQrText(text)).toEqual({
      kind: 'dynamic',
      ehcId: EHC_ID,
      validity: VALIDITY,
      node: '370000-HOSP2',
      signature: SIGNATURE,
      signedPayload: `${EHC_ID}:0:${VALIDITY}:370000-HOSP2`,
    });
  });

  it('accepts the longest valid text, of exactly MAX_QR_TEXT_LENGTH characters', () => {
    const longest = `${EHC_ID}:0:${VALIDITY}:370100-ABCDEFGH:${SIGNATURE}`;
    expect(longest).toHaveLength(MAX_QR_TEXT_LENGTH);
    expect(parseQrText(longest).kind).toBe('dynamic');
  });
});

describe('parseQrText: rejections', () => {
  const cases: [string, unknown, QrFormatProblem][] = [
    ['empty', '', 'EMPTY'],
    ['too long', 'A'.repeat(MAX_QR_TEXT_LENGTH + 1), 'TOO_LONG'],
    ['no separator', EHC_ID, 'BAD_FIELD_COUNT'],
    ['six fields', `${EHC_ID}:1::370100:${SIGNATURE}:`, 'BAD_FIELD_COUNT'],
    ['static with 3 fields', `${EHC_ID}:1:`, 'BAD_FIELD_COUNT'],
    ['dynamic without validity', `${EHC_ID}:0`, 'BAD_FIELD_COUNT'],
    ['unsigned dynamic with node', `${EHC_ID}:0:${VALIDITY}:370100`, 'BAD_FIELD_COUNT'],
    ['temporary with node', `${MASTER_INDEX}:9::370100`, 'BAD_FIELD_COUNT'],
    ['unknown type', `${EHC_ID}:2`, 'BAD_TYPE'],
    ['empty type', `${EHC_ID}:`, 'BAD_TYPE'],
    ['type 01', `${EHC_ID}:01`, 'BAD_TYPE'],
    ['__proto__ type', `${EHC_ID}:__proto__`, 'BAD_TYPE'],
    ['constructor type', `${EHC_ID}:constructor:x`, 'BAD_TYPE'],
    ['lowercase EHC ID', `${EHC_ID.toLowerCase()}:1`, 'BAD_EHC_ID'],
    ['short EHC ID', `${EHC_ID.slice(1)}:1`, 'BAD_EHC_ID'],
    ['empty EHC ID', ':1', 'BAD_EHC_ID'],
    ['non-hex EHC ID', `${EHC_ID.slice(1)}G:0:${VALIDITY}`, 'BAD_EHC_ID'],
    ['short master index', `${MASTER_INDEX.slice(2)}:9`, 'BAD_MASTER_INDEX'],
    ['lowercase validity', `${EHC_ID}:0:${VALIDITY.toLowerCase()}`, 'BAD_VALIDITY'],
    ['short validity', `${EHC_ID}:0:${VALIDITY.slice(1)}`, 'BAD_VALIDITY'],
    ['empty validity on dynamic', `${EHC_ID}:0::370100:${SIGNATURE}`, 'BAD_VALIDITY'],
    ['validity on static', `${EHC_ID}:1:${VALIDITY}:370100`, 'BAD_VALIDITY'],
    ['five-digit node', `${EHC_ID}:1::37010`, 'BAD_NODE'],
    ['unknown province', `${EHC_ID}:1::990100`, 'BAD_NODE'],
    ['county without city', `${EHC_ID}:1::370012`, 'BAD_NODE'],
    ['empty suffix', `${EHC_ID}:1::370100-`, 'BAD_NODE'],
    ['long suffix', `${EHC_ID}:1::370100-123456789`, 'BAD_NODE'],
    ['lowercase suffix', `${EHC_ID}:1::370100-ab`, 'BAD_NODE'],
    ['empty node', `${EHC_ID}:1::`, 'BAD_NODE'],
    ['short signature', `${EHC_ID}:1::370100:${SIGNATURE.slice(2)}`, 'BAD_SIGNATURE'],
    ['lowercase signature', `${EHC_ID}:1::370100:${SIGNATURE.toLowerCase()}`, 'BAD_SIGNATURE'],
    ['empty signature', `${EHC_ID}:1::370100:`, 'BAD_SIGNATURE'],
    ['trailing newline', `${EHC_ID}:1\r\n`, 'BAD_TYPE'],
    ['leading space', ` ${EHC_ID}:1`, 'BAD_EHC_ID'],
    ['number', 42, 'NOT_STRING'],
    ['null', null, 'NOT_STRING'],
  ];

  it.each(cases)('%s', (_, text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it('explains in the message what is wrong, without echoing the input', () => {
    expect(errorOf(() => parseQrText(`${EHC_ID.toLowerCase()}:1`)).message).toBe(
      'field 1 must be an EHC ID of 64 uppercase hex characters; got lowercase hex',
    );
    expect(errorOf(() => parseQrText(`${EHC_ID}:0`)).message).toBe(
      "a code of type '0' is <EHC ID>:0:<validity> or <EHC ID>:0:<validity>:<node>:<signature>; got 2 fields",
    );
    const withNewline = errorOf(() => parseQrText(`${EHC_ID}:1\n`));
    expect(withNewline.message).toMatch(/strip the scanner's line ending/);
    expect(withNewline.name).toBe('QrFormatError');
    expect(withNewline).toBeInstanceOf(Error);
    const secret = 'SECRETSECRET';
    expect(errorOf(() => parseQrText(`${secret}:1`)).message).not.toContain(secret);
  });
});

describe('parseQrText: never throws anything but QrFormatError', () => {
  const neverThrowsOther = (s: string) => {
    try {
      parseQrText(s);
    } catch (e) {
      return e instanceof QrFormatError;
    }
    return true;
  };

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), neverThrowsOther));
  });

  it('on full-unicode and grapheme strings, and long strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), neverThrowsOther));
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), neverThrowsOther));
    fc.assert(fc.property(fc.string({ minLength: 200, maxLength: 400 }), neverThrowsOther), { numRuns: 50 });
  });

  it('on strings built from the QR alphabet and separators', () => {
    const unit = fc.constantFrom(...'0123456789ABCDEFabcdefXYZ:- \n_');
    fc.assert(fc.property(fc.string({ unit, maxLength: 260 }), neverThrowsOther));
    const field = fc.oneof(
      upperHex(32),
      upperHex(16),
      upperHex(64),
      nodeCode,
      fc.constantFrom('', '0', '1', '9', '__proto__'),
    );
    fc.assert(fc.property(fc.array(field, { maxLength: 7 }), (fields) => neverThrowsOther(fields.join(':'))));
  });
});

describe('encodeQrText / parseQrText round trip', () => {
  it('encodes every form and parses it back, with signedPayload on signed codes', () => {
    fc.assert(
      fc.property(anyCode, (code) => {
        const text = encodeQrText(code);
        const parsed = parseQrText(text);
        if (code.kind !== 'temporary' && code.signature !== undefined) {
          expect(parsed).toEqual({ ...code, signedPayload: qrSigningPayload(code) });
          expect(text).toBe(`${qrSigningPayload(code)}:${code.signature}`);
        } else {
          expect(parsed).toEqual(code);
        }
        expect(encodeQrText(parsed)).toBe(text);
        expect(text.length).toBeLessThanOrEqual(MAX_QR_TEXT_LENGTH);
        expect(text).toMatch(/^[0-9A-Z:-]+$/);
      }),
    );
  });

  it('accepts a near-miss text only if it is itself canonical (re-encodes to the same text)', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(),
        char: fc.constantFrom(...'0A9F:-Gz \n'),
      }),
      fc.record({
        op: fc.constant('replace' as const),
        at: fc.nat(),
        char: fc.constantFrom(...'0A9F:-Gz \n'),
      }),
      fc.record({ op: fc.constant('lowercase' as const), at: fc.nat() }),
      fc.record({
        op: fc.constant('append' as const),
        suffix: fc.constantFrom(':', '::', '\n', ' ', ':370100'),
      }),
      fc.record({ op: fc.constant('dropField' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('duplicateField' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(anyCode, fc.array(mutation, { minLength: 1, maxLength: 3 }), (code, mutations) => {
        let text = encodeQrText(code);
        for (const m of mutations) {
          const at = 'at' in m ? m.at % (text.length + 1) : 0;
          const fields = text.split(':');
          const f = 'at' in m ? m.at % fields.length : 0;
          switch (m.op) {
            case 'delete':
              text = text.slice(0, at) + text.slice(at + 1);
              break;
            case 'insert':
              text = text.slice(0, at) + m.char + text.slice(at);
              break;
            case 'replace':
              text = text.slice(0, at) + m.char + text.slice(at + 1);
              break;
            case 'lowercase':
              text = text.slice(0, at) + text.slice(at, at + 1).toLowerCase() + text.slice(at + 1);
              break;
            case 'append':
              text += m.suffix;
              break;
            case 'dropField':
              text = fields.filter((_, i) => i !== f).join(':');
              break;
            case 'duplicateField':
              text = [...fields.slice(0, f + 1), ...fields.slice(f)].join(':');
              break;
          }
        }
        let parsed: QrCode;
        try {
          parsed = parseQrText(text);
        } catch (e) {
          expect(e).toBeInstanceOf(QrFormatError);
          return;
        }
        expect(encodeQrText(parsed)).toBe(text);
      }),
    );
  });

  it('rejects every single-character corruption of a hex field', () => {
    fc.assert(
      fc.property(anyCode, fc.nat(), fc.constantFrom('a', 'f', 'G', ' ', '-'), (code, at, char) => {
        const text = encodeQrText(code);
        const hexEnd = 64; // field 1 is always 64 hex characters
        const i = at % hexEnd;
        const mutated = text.slice(0, i) + char + text.slice(i + 1);
        expect(reasonOf(mutated)).toBe(code.kind === 'temporary' ? 'BAD_MASTER_INDEX' : 'BAD_EHC_ID');
      }),
    );
  });
});

describe('encodeQrText and qrSigningPayload', () => {
  it('produce the documented texts', () => {
    expect(encodeQrText({ kind: 'static', ehcId: EHC_ID })).toBe(`${EHC_ID}:1`);
    expect(encodeQrText({ kind: 'static', ehcId: EHC_ID, node: '370100' })).toBe(`${EHC_ID}:1::370100`);
    expect(encodeQrText({ kind: 'dynamic', ehcId: EHC_ID, validity: VALIDITY })).toBe(
      `${EHC_ID}:0:${VALIDITY}`,
    );
    expect(encodeQrText({ kind: 'temporary', masterIndex: MASTER_INDEX })).toBe(`${MASTER_INDEX}:9`);
    expect(qrSigningPayload({ kind: 'static', ehcId: EHC_ID, node: '370100' })).toBe(`${EHC_ID}:1::370100`);
    expect(qrSigningPayload({ kind: 'dynamic', ehcId: EHC_ID, validity: VALIDITY, node: '370100' })).toBe(
      `${EHC_ID}:0:${VALIDITY}:370100`,
    );
    expect(encodeQrText({ kind: 'static', ehcId: EHC_ID, node: '370100', signature: SIGNATURE })).toBe(
      `${EHC_ID}:1::370100:${SIGNATURE}`,
    );
  });

  it('reject invalid fields with the parser reasons', () => {
    const reason = (fn: () => unknown) => errorOf(fn).reason;
    expect(reason(() => encodeQrText({ kind: 'static', ehcId: EHC_ID.toLowerCase() }))).toBe('BAD_EHC_ID');
    expect(reason(() => encodeQrText({ kind: 'dynamic', ehcId: EHC_ID, validity: 'ABC' }))).toBe(
      'BAD_VALIDITY',
    );
    expect(reason(() => encodeQrText({ kind: 'temporary', masterIndex: '' }))).toBe('BAD_MASTER_INDEX');
    expect(reason(() => encodeQrText({ kind: 'static', ehcId: EHC_ID, node: '37' }))).toBe('BAD_NODE');
    expect(
      reason(() => encodeQrText({ kind: 'dynamic', ehcId: EHC_ID, validity: VALIDITY, node: '370100' })),
    ).toBe('BAD_NODE');
    expect(reason(() => encodeQrText({ kind: 'static', ehcId: EHC_ID, signature: SIGNATURE }))).toBe(
      'BAD_NODE',
    );
    expect(
      reason(() => encodeQrText({ kind: 'static', ehcId: EHC_ID, node: '370100', signature: 'AB' })),
    ).toBe('BAD_SIGNATURE');
    expect(reason(() => qrSigningPayload({ kind: 'temporary', masterIndex: MASTER_INDEX }))).toBe('BAD_TYPE');
    expect(reason(() => qrSigningPayload({ kind: 'static', ehcId: EHC_ID }))).toBe('BAD_NODE');
    expect(reason(() => encodeQrText({ kind: 'other', ehcId: EHC_ID } as unknown as QrCodeInput))).toBe(
      'BAD_TYPE',
    );
    expect(reason(() => encodeQrText(null as unknown as QrCodeInput))).toBe('BAD_TYPE');
  });
});

describe('node codes', () => {
  it('are a well-formed region code with an optional short suffix', () => {
    for (const good of ['370000', '370100', '370102', '370100-01', '370100-HOSP2', '110000-ABCDEFGH']) {
      expect(isValidNodeCode(good), good).toBe(true);
    }
    for (const bad of [
      '',
      '37010',
      '3701000',
      '990000',
      '370100-',
      '370100-abc',
      '370100_01',
      '370100-ABCDEFGHI',
      370100,
    ]) {
      expect(isValidNodeCode(bad), String(bad)).toBe(false);
    }
  });
});

describe('a dynamic code end to end', () => {
  it('carries an EHC ID and an encrypted expiry that the verifier reads back', () => {
    const securityKey = hexToBytes('0123456789ABCDEFFEDCBA9876543210');
    const protectionKey = hexToBytes('00112233445566778899AABBCCDDEEFF');
    const ehcId = computeEhcId({
      masterIndex: MASTER_INDEX,
      idType: '01',
      idNo: '11010020171225006X',
      securityKey,
    });
    const expiry = new Date('2025-03-01T10:00:00+08:00');
    const text = encodeQrText({ kind: 'dynamic', ehcId, validity: encryptValidity(expiry, protectionKey) });
    const parsed = parseQrText(text);
    expect(parsed.kind).toBe('dynamic');
    if (parsed.kind !== 'dynamic') return;
    expect(parsed.ehcId).toBe(EHC_ID);
    expect(decryptValidity(parsed.validity, protectionKey)).toEqual(expiry);
  });
});
