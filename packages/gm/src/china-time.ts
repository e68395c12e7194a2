/**
 * China Standard Time (UTC+08:00, the time zone of Asia/Shanghai) for the date fields of the EHC
 * formats. China has kept a fixed UTC+08:00 without daylight saving since 1991, so a fixed offset
 * gives the same wall-clock fields as the IANA zone for any date the platform issues or checks,
 * without depending on the runtime's time-zone data (not exported from the package).
 *
 * @module
 */

const OFFSET_MS = 8 * 60 * 60 * 1000;

/** Wall-clock fields in China Standard Time; month is 1–12. */
export interface ChinaDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The China Standard Time wall clock at instant `date`. */
export function toChinaDateTime(date: Date): ChinaDateTime {
  const shifted = new Date(date.getTime() + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/**
 * The instant whose China Standard Time wall clock shows the given fields, or `undefined` when
 * the fields are not a real date and time (month 13, 30 February, hour 24, …).
 */
export function fromChinaDateTime(fields: ChinaDateTime): Date | undefined {
  const { year, month, day, hour, minute, second } = fields;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return new Date(utc.getTime() - OFFSET_MS);
}

/** Days in `month` (1–12) of `year` in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` of the China Standard Time date at instant `date`. */
export function chinaDateString(date: Date): string {
  const { year, month, day } = toChinaDateTime(date);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
