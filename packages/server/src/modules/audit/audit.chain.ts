/**
 * The hash chain of the audit log: canonical JSON of an entry and its SM3 hash. Pure functions,
 * shared by the writer (audit.service.ts) and the verifier, so both compute exactly the same bytes.
 */
import { bytesToHex, concatBytes, hexToBytes, sm3, utf8ToBytes } from '@ehc/gm';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What is hashed: every stored column of an entry except the hashes themselves and created_at. */
export interface ChainedEntry {
  seq: string;
  /** ISO 8601 with milliseconds, UTC. */
  occurredAt: string;
  actor: { kind: string; id: string };
  action: string;
  subject: { kind: string; id: string } | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so that the same entry always
 * gives the same text whatever order its keys were written or stored in (jsonb reorders them).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** hash = SM3(prev hash bytes ‖ UTF-8 canonical JSON of the entry), lowercase hex. */
export function computeAuditHash(prevHash: string, entry: ChainedEntry): string {
  return bytesToHex(sm3(concatBytes(hexToBytes(prevHash), utf8ToBytes(canonicalJson(entry)))));
}
