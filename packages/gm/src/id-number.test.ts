import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVINCE_CODES } from './codes.js';
import {
  computeCheckCharacter,
  IdNumberError,
  parseResidentIdNumber,
  upgradeIdNumber15To18,
  validateResidentIdNumber,
} from './id-number.js';

/** A number with the given first 17 characters and the right check character. */
function withCheck(first17: string): string {
  return first17 + computeCheckCharacter(first17);
}

const TODAY = new Date('2024-06-01T12:00:00+08:00');

describe('computeCheckCharacter', () => {
  it('computes the documented example and a digit check character', () => {
    expect(computeCheckCharacter('11010020171225006')).toBe('X');
    expect(computeCheckCharacter('13050319670401001')).toBe('6');
  });

  it('throws a TypeError unless given exactly 17 digits', () => {
    expect(() => computeCheckCharacter('1101002017122500')).toThrow(TypeError);
    expect(() => computeCheckCharacter('1101002017122500X')).toThrow(TypeError);
    expect(() => computeCheckCharacter(11010020171225006 as unknown as string)).toThrow(TypeError);
  });
});

describe('validateResidentIdNumber', () => {
  it('accepts the documented example and says what it encodes', () => {
    expect(validateResidentIdNumber('11010020171225006X')).toEqual({
      valid: true,
      region: '110100',
      birthDate: '2017-12-25',
      sex: '2',
    });
    expect(parseResidentIdNumber('11010020171225006X')).toEqual({
      region: '110100',
      birthDate: '2017-12-25',
      sex: '2',
    });
  });

  it('reads an odd 17th digit as male', () => {
    const male = withCheck('37010219900307123');
    expect(parseResidentIdNumber(male).sex).toBe('1');
  });

  it('rejects a wrong check character', () => {
    const result = validateResidentIdNumber('110100201712250061');
    expect(result).toEqual({
      valid: false,
      reason: 'CHECK_DIGIT',
      message: 'the check character is 1, expected X: a character was probably mistyped',
    });
  });

  it('rejects impossible birth dates', () => {
    for (const date of ['20170230', '19000229', '20171301', '20170000', '20171232', '17991231']) {
      const result = validateResidentIdNumber(withCheck(`110100${date}006`), { today: TODAY });
      expect(result, date).toMatchObject({ valid: false, reason: 'BIRTH_DATE_INVALID' });
    }
    expect(validateResidentIdNumber(withCheck('11010020000229006')).valid).toBe(true);
  });

  it('rejects a birth date after today (in China Standard Time), accepts today', () => {
    // 2024-06-01T00:30+08:00 is still 31 May in UTC.
    const justAfterMidnight = new Date('2024-06-01T00:30:00+08:00');
    expect(validateResidentIdNumber(withCheck('11010020240601006'), { today: justAfterMidnight }).valid).toBe(
      true,
    );
    const tomorrow = validateResidentIdNumber(withCheck('11010020240602006'), { today: justAfterMidnight });
    expect(tomorrow).toEqual({
      valid: false,
      reason: 'BIRTH_DATE_IN_FUTURE',
      message: 'the birth date 2024-06-02 (characters 7–14) is in the future',
    });
  });

  it('rejects wrong lengths, hinting at the upgrade for 15 digits', () => {
    expect(validateResidentIdNumber('11010020171225006')).toMatchObject({ valid: false, reason: 'LENGTH' });
    expect(validateResidentIdNumber('11010020171225006X1')).toMatchObject({ valid: false, reason: 'LENGTH' });
    expect(validateResidentIdNumber('')).toMatchObject({ valid: false, reason: 'LENGTH' });
    const fifteen = validateResidentIdNumber('130503670401001');
    expect(fifteen.valid === false && fifteen.message).toMatch(/upgradeIdNumber15To18/);
  });

  it('rejects other characters, including a lowercase x', () => {
    for (const idNo of [
      '11010020171225006x',
      '1101002017122500XX',
      '11010020171225O06X',
      '１1010020171225006X',
    ]) {
      expect(validateResidentIdNumber(idNo), idNo).toMatchObject({ valid: false, reason: 'CHARACTERS' });
    }
    const lower = validateResidentIdNumber('11010020171225006x');
    expect(lower.valid === false && lower.message).toMatch(/upper case/);
  });

  it('rejects regions that are not GB/T 2260 codes, accepts residence-permit regions', () => {
    for (const region of ['000000', '990000', '370012']) {
      expect(validateResidentIdNumber(withCheck(`${region}19900307123`)), region).toMatchObject({
        valid: false,
        reason: 'REGION',
      });
    }
    expect(validateResidentIdNumber(withCheck('83000019900307123')).valid).toBe(true);
  });

  it('accepts every well-formed number and detects every single-digit error and adjacent swap', () => {
    const idNumber = fc
      .tuple(
        fc.constantFrom(...PROVINCE_CODES.map((p) => p.code.slice(0, 2))),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2023-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([province, city, county, date, sequence]) => {
        const region = `${province}${String(city).padStart(2, '0')}${String(county).padStart(2, '0')}`;
        const birth = date.toISOString().slice(0, 10).replaceAll('-', '');
        return withCheck(`${region}${birth}${String(sequence).padStart(3, '0')}`);
      });
    fc.assert(
      fc.property(idNumber, fc.nat(17), fc.integer({ min: 1, max: 9 }), (idNo, position, delta) => {
        const info = parseResidentIdNumber(idNo, { today: TODAY });
        expect(info.birthDate.replaceAll('-', '')).toBe(idNo.slice(6, 14));
        expect(info.sex).toBe(Number(idNo[16]) % 2 === 1 ? '1' : '2');
        if (position < 17 || idNo[17] !== 'X') {
          const digit = (Number(idNo[position]) + delta) % 10;
          const mutated = idNo.slice(0, position) + digit + idNo.slice(position + 1);
          expect(validateResidentIdNumber(mutated, { today: TODAY }).valid).toBe(false);
        }
        const swapAt = Math.min(position, 16);
        if (idNo[swapAt] !== idNo[swapAt + 1]) {
          const swapped = idNo.slice(0, swapAt) + idNo[swapAt + 1] + idNo[swapAt] + idNo.slice(swapAt + 2);
          expect(validateResidentIdNumber(swapped, { today: TODAY }).valid).toBe(false);
        }
      }),
    );
  });

  it('never throws for a string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9X]{18}$/)),
        (s) => {
          const result = validateResidentIdNumber(s);
          expect(typeof result.valid).toBe('boolean');
        },
      ),
    );
  });

  it('throws a TypeError for a non-string, IdNumberError with the reason from parse', () => {
    expect(() => validateResidentIdNumber(null as unknown as string)).toThrow(TypeError);
    try {
      parseResidentIdNumber('110100201712250061');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IdNumberError);
      expect((e as IdNumberError).reason).toBe('CHECK_DIGIT');
      expect((e as IdNumberError).name).toBe('IdNumberError');
    }
  });
});

describe('upgradeIdNumber15To18', () => {
  it('inserts the century and appends the check character', () => {
    expect(upgradeIdNumber15To18('130503670401001')).toBe('130503196704010016');
    expect(parseResidentIdNumber(upgradeIdNumber15To18('110105491231002'))).toEqual({
      region: '110105',
      birthDate: '1949-12-31',
      sex: '2',
    });
  });

  it('produces valid 18-character numbers from any well-formed 15-digit number', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('1999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
        (date, sequence) => {
          const yymmdd = date.toISOString().slice(2, 10).replaceAll('-', '');
          const fifteen = `370102${yymmdd}${String(sequence).padStart(3, '0')}`;
          const eighteen = upgradeIdNumber15To18(fifteen);
          expect(eighteen.slice(0, 6) + eighteen.slice(8, 17)).toBe(fifteen);
          expect(validateResidentIdNumber(eighteen).valid).toBe(true);
        },
      ),
    );
  });

  it('rejects malformed 15-digit numbers with the reason', () => {
    const reasonOf = (s: string) => {
      try {
        upgradeIdNumber15To18(s);
      } catch (e) {
        return e instanceof IdNumberError ? e.reason : 'other';
      }
      return 'none';
    };
    expect(reasonOf('13050367040100')).toBe('LENGTH');
    expect(reasonOf('11010020171225006X')).toBe('LENGTH');
    expect(reasonOf('13050367040100X')).toBe('CHARACTERS');
    expect(reasonOf('990000670401001')).toBe('REGION');
    expect(reasonOf('130503670230001')).toBe('BIRTH_DATE_INVALID');
    expect(() => upgradeIdNumber15To18(130503670401001 as unknown as string)).toThrow(TypeError);
  });
});
