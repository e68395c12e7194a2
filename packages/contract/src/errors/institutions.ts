/** Error codes of institutions (机构), departments, terminals and applications (接入应用). */
import type { ErrorCodeInfo } from './types.js';

export const INSTITUTION_ERROR_CODES = {
  ORG_NOT_FOUND: {
    status: 404,
    message: 'No institution has this organisation code.',
    messageZh: '机构不存在。',
  },
  ORG_CODE_TAKEN: {
    status: 409,
    message: 'An institution with this organisation code already exists.',
    messageZh: '机构代码已存在。',
  },
  ORG_CODE_INVALID: {
    status: 400,
    message: 'The organisation code must be 2 to 30 letters or digits.',
    messageZh: '机构代码须为 2 至 30 位字母或数字。',
  },
  ORG_INVALID: {
    status: 400,
    message: 'The institution is marked invalid and cannot be used.',
    messageZh: '机构已停用。',
  },
  REGION_INVALID: {
    status: 400,
    message: 'The region must be a six-digit GB/T 2260 code (e.g. 370100).',
    messageZh: '行政区划代码须为六位 GB/T 2260 代码（如 370100）。',
  },
  DEPARTMENT_CODE_INVALID: {
    status: 400,
    message: 'The department code must be a four-digit standard department code (e.g. 0100).',
    messageZh: '科室代码须为四位标准科室代码（如 0100）。',
  },
  DEPARTMENT_CODE_TAKEN: {
    status: 409,
    message: 'This institution already has a department with this code.',
    messageZh: '该机构已存在此科室代码。',
  },
  DEPARTMENT_NOT_FOUND: {
    status: 404,
    message: 'The institution has no department with this code.',
    messageZh: '科室不存在。',
  },
  TERMINAL_CODE_TAKEN: {
    status: 409,
    message: 'A terminal with this code already exists.',
    messageZh: '终端代码已存在。',
  },
  TERMINAL_CODE_INVALID: {
    status: 400,
    message: 'The terminal code must be 2 to 40 letters or digits.',
    messageZh: '终端代码须为 2 至 40 位字母或数字。',
  },
  TERMINAL_TYPE_INVALID: {
    status: 400,
    message: 'The terminal type must be 01 (staffed counter), 02 (kiosk) or 99 (other).',
    messageZh: '终端类型须为 01（人工窗口）、02（自助机）或 99（其他）。',
  },
  APP_NOT_FOUND: {
    status: 404,
    message: 'No application has this app_id.',
    messageZh: '应用不存在。',
  },
  SCOPE_INVALID: {
    status: 400,
    message: 'Scopes must be one or more of register, verify, query, report, admin.',
    messageZh: '权限范围须为 register、verify、query、report、admin 中的一个或多个。',
  },
  RATE_LIMIT_INVALID: {
    status: 400,
    message: 'The rate limit must be a whole number of requests per minute from 1 to 1000000.',
    messageZh: '限流值须为每分钟 1 至 1000000 次的整数。',
  },
  OVERLAP_INVALID: {
    status: 400,
    message: 'The overlap of the previous secret must be from 0 to 720 hours.',
    messageZh: '旧密钥重叠有效期须为 0 至 720 小时。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
