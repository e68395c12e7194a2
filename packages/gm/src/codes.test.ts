import { describe, expect, it } from 'vitest';
import {
  CARD_CHANNEL_CODES,
  CARD_TYPE_CODES,
  COST_TYPE_CODES,
  type CodeTable,
  ETHNICITY_CODES,
  extendCodeTable,
  findCode,
  ID_TYPE_CODES,
  type IdTypeCode,
  isDepartmentCodeShape,
  isSceneCodeShape,
  isValidCardChannelCode,
  isValidCardTypeCode,
  isValidCostTypeCode,
  isValidEthnicityCode,
  isValidIdTypeCode,
  isValidMaritalStatusCode,
  isValidRegionCode,
  isValidSceneCode,
  isValidSexCode,
  isValidTerminalTypeCode,
  MARITAL_STATUS_CODES,
  PROVINCE_CODES,
  parseRegionCode,
  SCENE_CODES,
  SEX_CODES,
  TERMINAL_TYPE_CODES,
} from './codes.js';

const TABLES: Record<string, CodeTable> = {
  ID_TYPE_CODES,
  SEX_CODES,
  ETHNICITY_CODES,
  MARITAL_STATUS_CODES,
  CARD_CHANNEL_CODES,
  TERMINAL_TYPE_CODES,
  COST_TYPE_CODES,
  CARD_TYPE_CODES,
  SCENE_CODES,
  PROVINCE_CODES,
};

describe('code tables', () => {
  it.each(Object.entries(TABLES))(
    '%s has unique codes in order, names in both languages, and is frozen',
    (_, t) => {
      const codes = t.map((e) => e.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes).toEqual([...codes].sort());
      for (const entry of t) {
        expect(entry.code).toMatch(/^[0-9]+$/);
        expect(entry.name.length).toBeGreaterThan(0);
        expect(entry.nameEn.length).toBeGreaterThan(0);
      }
      expect(Object.isFrozen(t)).toBe(true);
      expect(Object.isFrozen(t[0])).toBe(true);
    },
  );

  it('lists the 56 ethnic groups of GB 3304 as 01–56, then 97 and 98', () => {
    expect(ETHNICITY_CODES).toHaveLength(58);
    const groups = ETHNICITY_CODES.slice(0, 56);
    expect(groups.map((e) => e.code)).toEqual(
      Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
    for (const group of groups) expect(group.name).toMatch(/^\p{Script=Han}+族$/u);
    expect(new Set(groups.map((e) => e.name)).size).toBe(56);
    expect(findCode(ETHNICITY_CODES, '01')?.name).toBe('汉族');
    expect(findCode(ETHNICITY_CODES, '56')?.name).toBe('基诺族');
    expect(ETHNICITY_CODES.slice(56).map((e) => e.code)).toEqual(['97', '98']);
  });

  it('has the documented codes of every table', () => {
    expect(ID_TYPE_CODES.map((e) => e.code)).toEqual(
      ['01', '02', '03', '04', '05', '06', '07', '111', '99'].sort(),
    );
    expect(SEX_CODES.map((e) => e.code)).toEqual(['0', '1', '2', '9']);
    expect(MARITAL_STATUS_CODES.map((e) => e.code)).toEqual(['10', '20', '21', '22', '23', '30', '40', '90']);
    expect(CARD_CHANNEL_CODES.map((e) => e.code)).toEqual([
      '0100',
      '0200',
      '0300',
      '0401',
      '0402',
      '0403',
      '0500',
    ]);
    expect(CARD_CHANNEL_CODES.filter((e) => e.assumed).map((e) => e.code)).toEqual(['0403', '0500']);
    expect(TERMINAL_TYPE_CODES.map((e) => e.code)).toEqual(['01', '02', '99']);
    expect(COST_TYPE_CODES.map((e) => e.code)).toEqual(['0000', '0100', '0200', '0300']);
    expect(CARD_TYPE_CODES.map((e) => e.code)).toEqual(['11']);
    expect(findCode(SCENE_CODES, '010101')?.name).toBe('挂号');
    expect(findCode(SCENE_CODES, '0101021')?.name).toBe('排队候诊');
    expect(SCENE_CODES.filter((e) => e.assumed).map((e) => e.code)).toEqual([
      '010103',
      '010104',
      '010106',
      '010107',
      '010110',
    ]);
    expect(PROVINCE_CODES).toHaveLength(34);
  });

  it('has sub-steps only under a step of the table or a documented parent', () => {
    const steps = new Set(SCENE_CODES.filter((e) => e.code.length === 6).map((e) => e.code));
    for (const entry of SCENE_CODES) {
      expect(isSceneCodeShape(entry.code)).toBe(true);
      if (entry.code.length === 7) {
        // 010102 (queueing), 010108 (reports) are documented only through their sub-steps.
        expect(
          steps.has(entry.code.slice(0, 6)) || ['010102', '010108'].includes(entry.code.slice(0, 6)),
        ).toBe(true);
      }
    }
  });
});

describe('membership checks', () => {
  it('accept table codes and reject everything else', () => {
    const cases: [(c: unknown) => boolean, string[], unknown[]][] = [
      [isValidIdTypeCode, ['01', '07', '99', '111'], ['1', '08', '11', '', 1]],
      [isValidSexCode, ['0', '1', '2', '9'], ['3', '01', 'M', 1]],
      [isValidEthnicityCode, ['01', '56', '97', '98'], ['00', '57', '96', '99', '1']],
      [isValidMaritalStatusCode, ['10', '21', '90'], ['1', '24', '50']],
      [isValidCardChannelCode, ['0100', '0401', '0500'], ['0400', '100', '0600']],
      [isValidTerminalTypeCode, ['01', '02', '99'], ['03', '1']],
      [isValidCostTypeCode, ['0000', '0100', '0300'], ['0400', '100']],
      [isValidCardTypeCode, ['11'], ['12', '1']],
      [isValidSceneCode, ['010101', '0101054', '010110'], ['010102', '01010', '0101099', 10101]],
    ];
    for (const [check, good, bad] of cases) {
      for (const code of good) expect(check(code), `${check.name} ${code}`).toBe(true);
      for (const code of bad) expect(check(code), `${check.name} ${String(code)}`).toBe(false);
    }
  });

  it('narrow to the literal code types', () => {
    const input: string = '07';
    if (isValidIdTypeCode(input)) {
      const narrowed: IdTypeCode = input;
      expect(narrowed).toBe('07');
    }
    // @ts-expect-error '08' is not an ID type code (checked by `npm run typecheck`)
    const notAType: IdTypeCode = '08';
    expect(isValidIdTypeCode(notAType)).toBe(false);
  });

  it('checks scene shape: six or seven digits', () => {
    expect(isSceneCodeShape('010201')).toBe(true);
    expect(isSceneCodeShape('0102011')).toBe(true);
    expect(isSceneCodeShape('01020')).toBe(false);
    expect(isSceneCodeShape('01020111')).toBe(false);
    expect(isSceneCodeShape('01020a')).toBe(false);
  });

  it('checks department shape: four digits', () => {
    expect(isDepartmentCodeShape('0100')).toBe(true);
    expect(isDepartmentCodeShape('5600')).toBe(true);
    expect(isDepartmentCodeShape('560')).toBe(false);
    expect(isDepartmentCodeShape('56000')).toBe(false);
  });
});

describe('extendCodeTable', () => {
  const extra = [
    { code: '010201', name: '疫苗接种', nameEn: 'Vaccination' },
    { code: '010101', name: '挂号（省）', nameEn: 'Registration (province)' },
  ];

  it('adds and replaces entries, keeping code order, without touching the base table', () => {
    const scenes = extendCodeTable(SCENE_CODES, extra);
    expect(isValidSceneCode('010201', scenes)).toBe(true);
    expect(isValidSceneCode('010201')).toBe(false);
    expect(findCode(scenes, '010101')?.name).toBe('挂号（省）');
    expect(findCode(SCENE_CODES, '010101')?.name).toBe('挂号');
    expect(scenes).toHaveLength(SCENE_CODES.length + 1);
    expect(scenes.map((e) => e.code)).toEqual(scenes.map((e) => e.code).sort());
    expect(Object.isFrozen(scenes)).toBe(true);
  });

  it('rejects duplicate codes and empty entries', () => {
    expect(() => extendCodeTable(SCENE_CODES, [extra[0]!, extra[0]!])).toThrow(
      new RangeError('code 010201 appears twice in the extension'),
    );
    expect(() => extendCodeTable(SCENE_CODES, [{ code: '', name: 'x', nameEn: 'x' }])).toThrow(RangeError);
  });
});

describe('region codes', () => {
  it('takes apart province, city and county codes', () => {
    expect(parseRegionCode('370000')).toEqual({ code: '370000', level: 'province', provinceCode: '370000' });
    expect(parseRegionCode('370100')).toEqual({
      code: '370100',
      level: 'city',
      provinceCode: '370000',
      cityCode: '370100',
    });
    expect(parseRegionCode('370102')).toEqual({
      code: '370102',
      level: 'county',
      provinceCode: '370000',
      cityCode: '370100',
    });
    expect(parseRegionCode('419001')?.level).toBe('county');
  });

  it('rejects malformed codes', () => {
    for (const bad of [
      '37010',
      '3701000',
      '990000',
      '000000',
      '370012',
      '37010a',
      '３７０１００',
      '',
      370100,
    ]) {
      expect(isValidRegionCode(bad), String(bad)).toBe(false);
    }
  });
});
