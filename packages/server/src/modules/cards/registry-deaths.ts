/**
 * Deaths from the civil registry as CSV (`id_type,id_no,deceased_on`, one person per line after
 * the header), fed to `CardsService.recordDeaths` in chunks. The file is streamed; each chunk is
 * one transaction, so a run killed half-way leaves whole chunks behind and running the file again
 * finishes the job (rows already applied are counted `unchanged`). ID numbers never appear in the
 * summary.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { splitCsvLine } from '../identity/registry-import.js';
import {
  type CardActor,
  type CardsService,
  type DeathRecord,
  type DeathsOutcome,
  deathRecordProblem,
} from './cards.service.js';

export const DEATHS_COLUMNS = ['id_type', 'id_no', 'deceased_on'] as const;

export interface DeathsImportSummary extends DeathsOutcome {
  rows: number;
  rejected: number;
  /** The first rejections (line numbers count the header as line 1). */
  rejections: { row: number; reason: string }[];
}

export interface DeathsImportOptions {
  chunkSize?: number;
  maxListedRejections?: number;
  today?: Date;
  onChunk?: (summary: DeathsImportSummary) => void;
}

export class DeathsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeathsFileError';
  }
}

/** Streams a deaths CSV file into the service. */
export async function importDeathsFile(
  service: CardsService,
  actor: CardActor,
  file: string,
  options: DeathsImportOptions = {},
): Promise<DeathsImportSummary> {
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(new DeathsFileError(`cannot read ${file}: ${error.code ?? error.message}`)),
    );
  });
  return importDeathsLines(
    service,
    actor,
    readline.createInterface({ input: stream, crlfDelay: Infinity }),
    options,
  );
}

export async function importDeathsLines(
  service: CardsService,
  actor: CardActor,
  lines: AsyncIterable<string>,
  options: DeathsImportOptions = {},
): Promise<DeathsImportSummary> {
  const chunkSize = options.chunkSize ?? 500;
  const maxListed = options.maxListedRejections ?? 1000;
  const today = new Date((options.today ?? new Date()).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const summary: DeathsImportSummary = {
    rows: 0,
    marked: 0,
    unchanged: 0,
    notInRegistry: 0,
    cardsCancelled: 0,
    rejected: 0,
    rejections: [],
  };
  const reject = (row: number, reason: string) => {
    summary.rejected += 1;
    if (summary.rejections.length < maxListed) summary.rejections.push({ row, reason });
  };
  let chunk = new Map<string, DeathRecord>();
  const flush = async () => {
    if (chunk.size === 0) return;
    const outcome = await service.recordDeaths(actor, [...chunk.values()]);
    summary.marked += outcome.marked;
    summary.unchanged += outcome.unchanged;
    summary.notInRegistry += outcome.notInRegistry;
    summary.cardsCancelled += outcome.cardsCancelled;
    chunk = new Map();
    options.onChunk?.(summary);
  };

  let header: string[] | undefined;
  let lineNumber = 0;
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
    const value = (column: string) => (fields[header?.indexOf(column) ?? -1] ?? '').trim();
    const record: DeathRecord = {
      idType: value('id_type'),
      idNo: value('id_no').toUpperCase(),
      deceasedOn: value('deceased_on'),
    };
    const problem = deathRecordProblem(record, today);
    if (problem) {
      reject(lineNumber, problem);
      continue;
    }
    const key = `${record.idType}:${record.idNo}`;
    // The same person twice in one chunk: apply what came before, so the later line wins.
    if (chunk.has(key)) await flush();
    chunk.set(key, record);
    if (chunk.size >= chunkSize) await flush();
  }
  if (header === undefined)
    throw new DeathsFileError(`the file is empty; expected the header ${DEATHS_COLUMNS.join(',')}`);
  await flush();
  return summary;
}

function readHeader(line: string): string[] {
  const names = (splitCsvLine(line) ?? []).map((name) => name.trim().toLowerCase());
  const missing = DEATHS_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0 || names.length !== DEATHS_COLUMNS.length) {
    throw new DeathsFileError(
      `the header must name the columns ${DEATHS_COLUMNS.join(',')}` +
        (missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''),
    );
  }
  return names;
}
