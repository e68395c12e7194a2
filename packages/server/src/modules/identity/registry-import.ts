/**
 * Loading the population registry (人口库) from CSV: `id_type,id_no,name,gender,birthday,nation,
 * address,region,deceased_on`, one person per line after the header. The file is streamed line
 * by line and written in chunks, each chunk one transaction of upserts keyed by (id_type, blind
 * index of id_no): re-running an import, or running it again after it was killed half-way, leaves
 * the same rows. A row that did not change is left alone (so its updated_at keeps meaning "last
 * changed"). ID numbers never appear in the summary unmasked.
 *
 * Quoted fields (`"a, b"`, `""` for a quote) are understood; a field cannot span lines.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import {
  isValidEthnicityCode,
  isValidIdTypeCode,
  isValidRegionCode,
  isValidSexCode,
  validateResidentIdNumber,
} from '@ehc/gm';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';

export const REGISTRY_COLUMNS = [
  'id_type',
  'id_no',
  'name',
  'gender',
  'birthday',
  'nation',
  'address',
  'region',
  'deceased_on',
] as const;

type Column = (typeof REGISTRY_COLUMNS)[number];

export interface RegistryPerson {
  idType: string;
  idNo: string;
  name: string;
  gender: string;
  birthday: string;
  nation: string | null;
  address: string | null;
  region: string | null;
  deceasedOn: string | null;
}

export interface RegistryRejection {
  /** Line number in the file (the header is line 1). */
  row: number;
  reason: string;
}

export interface RegistryImportSummary {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first rejections, up to `maxListedRejections`. */
  rejections: RegistryRejection[];
}

export interface RegistryImportOptions {
  chunkSize?: number;
  maxListedRejections?: number;
  today?: Date;
  /** Called after each chunk is committed (progress output). */
  onChunk?: (summary: RegistryImportSummary) => void;
}

export class RegistryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryFileError';
  }
}

/** Splits one CSV line; undefined when a quote is not closed. */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function chinaToday(today: Date): string {
  return new Date(today.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Validates one row; returns the person or the first reason it is rejected. */
export function validateRegistryRow(
  values: Record<Column, string>,
  today: Date,
): { person: RegistryPerson } | { reason: string } {
  const optional = (text: string) => (text === '' ? null : text);
  const idType = values.id_type;
  const idNo = values.id_no.toUpperCase();
  const todayText = chinaToday(today);
  if (!isValidIdTypeCode(idType))
    return { reason: `id_type "${idType}" is not an ID document type (CV02.01.101)` };
  if (idNo === '') return { reason: 'id_no is empty' };
  if (!isValidSexCode(values.gender))
    return { reason: `gender "${values.gender}" is not a GB/T 2261.1 code` };
  if (!isRealDate(values.birthday))
    return { reason: `birthday "${values.birthday}" is not a date (YYYY-MM-DD)` };
  if (values.birthday > todayText) return { reason: `birthday ${values.birthday} is in the future` };
  if (idType === '01') {
    const check = validateResidentIdNumber(idNo, { today });
    if (!check.valid) return { reason: `id_no is not a valid resident ID number: ${check.message}` };
    if (check.birthDate !== values.birthday) {
      return {
        reason: `birthday ${values.birthday} differs from the ID number's birth date ${check.birthDate}`,
      };
    }
    if (values.gender !== check.sex) {
      return { reason: `gender ${values.gender} differs from the ID number's sex ${check.sex}` };
    }
  } else if (!/^[0-9A-Z()-]{1,32}$/.test(idNo)) {
    return { reason: 'id_no must be 1–32 letters, digits, hyphens or brackets' };
  }
  const name = values.name.trim();
  if (name === '' || [...name].length > 50 || /[\p{Cc}]/u.test(name)) {
    return { reason: 'name must be 1–50 characters' };
  }
  if (values.nation !== '' && !isValidEthnicityCode(values.nation)) {
    return { reason: `nation "${values.nation}" is not a GB 3304 code` };
  }
  if ([...values.address].length > 200) return { reason: 'address is longer than 200 characters' };
  if (values.region !== '' && !isValidRegionCode(values.region)) {
    return { reason: `region "${values.region}" is not a GB/T 2260 code` };
  }
  if (values.deceased_on !== '') {
    if (!isRealDate(values.deceased_on)) {
      return { reason: `deceased_on "${values.deceased_on}" is not a date (YYYY-MM-DD)` };
    }
    if (values.deceased_on < values.birthday || values.deceased_on > todayText) {
      return { reason: `deceased_on ${values.deceased_on} is before the birthday or in the future` };
    }
  }
  return {
    person: {
      idType,
      idNo,
      name,
      gender: values.gender,
      birthday: values.birthday,
      nation: optional(values.nation),
      address: optional(values.address),
      region: optional(values.region),
      deceasedOn: optional(values.deceased_on),
    },
  };
}

interface PendingPerson {
  person: RegistryPerson;
  index: string;
}

/** Imports a CSV file; throws RegistryFileError when the file cannot be read or has no valid header. */
export async function importRegistryFile(
  db: Kysely<Database>,
  protector: PersonalDataProtector,
  file: string,
  options: RegistryImportOptions = {},
): Promise<RegistryImportSummary> {
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(new RegistryFileError(`cannot read ${file}: ${error.code ?? error.message}`)),
    );
  });
  await opened;
  return importRegistryLines(
    db,
    protector,
    readline.createInterface({ input: stream, crlfDelay: Infinity }),
    options,
  );
}

export async function importRegistryLines(
  db: Kysely<Database>,
  protector: PersonalDataProtector,
  lines: AsyncIterable<string>,
  options: RegistryImportOptions = {},
): Promise<RegistryImportSummary> {
  const chunkSize = options.chunkSize ?? 500;
  const maxListed = options.maxListedRejections ?? 1000;
  const today = options.today ?? new Date();
  const summary: RegistryImportSummary = {
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
  };
  const reject = (row: number, reason: string) => {
    summary.rejected += 1;
    if (summary.rejections.length < maxListed) summary.rejections.push({ row, reason });
  };

  let header: Column[] | undefined;
  let lineNumber = 0;
  let chunk = new Map<string, PendingPerson>();
  const flush = async () => {
    if (chunk.size === 0) return;
    const counts = await writeChunk(db, protector, [...chunk.values()]);
    summary.inserted += counts.inserted;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    chunk = new Map();
    options.onChunk?.(summary);
  };

  for await (const rawLine of lines) {
    lineNumber += 1;
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (header === undefined) {
      header = readHeader(line);
      continue;
    }
    if (line.trim() === '') continue;
    summary.rows += 1;
    const fields = splitCsvLine(line);
    if (!fields) {
      reject(lineNumber, 'a quoted field is not closed');
      continue;
    }
    if (fields.length !== header.length) {
      reject(lineNumber, `has ${fields.length} fields, the header has ${header.length}`);
      continue;
    }
    const values = Object.fromEntries(
      header.map((column, i) => [column, (fields[i] ?? '').trim()]),
    ) as Record<Column, string>;
    const result = validateRegistryRow(values, today);
    if ('reason' in result) {
      reject(lineNumber, result.reason);
      continue;
    }
    const index = protector.blindIndex('id_no', result.person.idNo);
    const key = `${result.person.idType}:${index}`;
    // The same person twice in one chunk: write what came before, so the later line wins.
    if (chunk.has(key)) await flush();
    chunk.set(key, { person: result.person, index });
    if (chunk.size >= chunkSize) await flush();
  }
  if (header === undefined)
    throw new RegistryFileError(`the file is empty; expected the header ${REGISTRY_COLUMNS.join(',')}`);
  await flush();
  return summary;
}

function readHeader(line: string): Column[] {
  const names = (splitCsvLine(line) ?? []).map((name) => name.trim().toLowerCase());
  const missing = REGISTRY_COLUMNS.filter((column) => !names.includes(column));
  const unknown = names.filter((name) => !(REGISTRY_COLUMNS as readonly string[]).includes(name));
  if (missing.length > 0 || unknown.length > 0 || names.length !== REGISTRY_COLUMNS.length) {
    throw new RegistryFileError(
      `the header must name the columns ${REGISTRY_COLUMNS.join(',')}` +
        (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
        (unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''),
    );
  }
  return names as Column[];
}

async function writeChunk(
  db: Kysely<Database>,
  protector: PersonalDataProtector,
  pending: PendingPerson[],
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('population_registry')
      .select((eb) => [
        'id_type',
        'id_no_index',
        'name',
        'gender',
        eb.cast<string>('birthday', 'text').as('birthday'),
        'nation',
        'address_enc',
        'region',
        eb.cast<string | null>('deceased_on', 'text').as('deceased_on'),
      ])
      // One array parameter, not a long `(a, b) in (…)` list: PGlite (WebAssembly, small stack)
      // fails on an IN list of a few hundred row values and leaves its connection broken.
      .where(sql<boolean>`id_no_index = any(${pending.map((p) => p.index)}::text[])`)
      .execute();
    const byKey = new Map(existing.map((row) => [`${row.id_type}:${row.id_no_index}`, row]));
    let inserted = 0;
    let unchanged = 0;
    const toWrite: PendingPerson[] = [];
    for (const entry of pending) {
      const row = byKey.get(`${entry.person.idType}:${entry.index}`);
      if (!row) inserted += 1;
      else {
        const address = row.address_enc === null ? null : protector.decrypt('address', row.address_enc);
        const same =
          row.name === entry.person.name &&
          row.gender === entry.person.gender &&
          row.birthday === entry.person.birthday &&
          row.nation === entry.person.nation &&
          address === entry.person.address &&
          row.region === entry.person.region &&
          row.deceased_on === entry.person.deceasedOn;
        if (same) {
          unchanged += 1;
          continue;
        }
      }
      toWrite.push(entry);
    }
    if (toWrite.length > 0) {
      await trx
        .insertInto('population_registry')
        .values(
          toWrite.map(({ person, index }) => ({
            id_type: person.idType,
            id_no_index: index,
            id_no_enc: protector.encrypt('id_no', person.idNo),
            name: person.name,
            gender: person.gender,
            birthday: person.birthday,
            nation: person.nation,
            address_enc: person.address === null ? null : protector.encrypt('address', person.address),
            region: person.region,
            deceased_on: person.deceasedOn,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['id_type', 'id_no_index']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            gender: eb.ref('excluded.gender'),
            birthday: eb.ref('excluded.birthday'),
            nation: eb.ref('excluded.nation'),
            address_enc: eb.ref('excluded.address_enc'),
            region: eb.ref('excluded.region'),
            deceased_on: eb.ref('excluded.deceased_on'),
            updated_at: sql`now()`,
          })),
        )
        .execute();
    }
    return { inserted, updated: toWrite.length - inserted, unchanged };
  });
}
