/** Error codes of the audit log (C4). */
import type { ErrorCodeInfo } from './types.js';

export const AUDIT_ERROR_CODES = {
  AUDIT_QUERY_INVALID: {
    status: 400,
    message: 'The audit search is not valid (check the time range and the limit).',
    messageZh: '审计查询条件不合法（请检查时间范围和条数）。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
