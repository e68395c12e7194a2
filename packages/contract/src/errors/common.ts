/** Error codes shared by every part of the platform: requests, operations, the cipher machine. */
import type { ErrorCodeInfo } from './types.js';

export const COMMON_ERROR_CODES = {
  // Generic request errors.
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request is not valid; see details for each field.',
    messageZh: '请求参数不合法，详见各字段说明。',
  },
  BAD_REQUEST: { status: 400, message: 'The request could not be understood.', messageZh: '请求无法解析。' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body has an unsupported content type; send application/json.',
    messageZh: '请求体类型不受支持，请使用 application/json。',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is too large.',
    messageZh: '请求体过大。',
  },
  UNAUTHORIZED: {
    status: 401,
    message: 'Authentication is required or the credentials are not valid.',
    messageZh: '需要身份认证或凭据无效。',
  },
  FORBIDDEN: { status: 403, message: 'The caller may not do this.', messageZh: '无权执行此操作。' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.', messageZh: '资源不存在。' },
  ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No such endpoint; see /docs for the API reference.',
    messageZh: '接口不存在，请查阅 /docs。',
  },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.', messageZh: '不支持该请求方法。' },
  CONFLICT: {
    status: 409,
    message: 'The request conflicts with the current state.',
    messageZh: '请求与当前状态冲突。',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests; retry later.',
    messageZh: '请求过于频繁，请稍后再试。',
  },
  INTERNAL_ERROR: {
    status: 500,
    message: 'Internal error; quote the request id when reporting it.',
    messageZh: '系统内部错误，请提供请求编号联系管理员。',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'The service is not ready.',
    messageZh: '服务暂不可用。',
  },
  // Operations.
  ADMIN_API_DISABLED: {
    status: 503,
    message: 'The admin API is disabled because no operator token is configured (EHC_OPERATOR_TOKEN).',
    messageZh: '未配置运维令牌 (EHC_OPERATOR_TOKEN)，管理接口已停用。',
  },
  CONFIG_INVALID: {
    status: 500,
    message: 'The configuration is not valid.',
    messageZh: '配置不合法。',
  },
  DATA_DIR_LOCKED: {
    status: 409,
    message: 'The embedded database directory is in use by another process.',
    messageZh: '嵌入式数据库目录正被其他进程使用。',
  },
  MIGRATIONS_PENDING: {
    status: 503,
    message: 'The database schema is not current; run `ehc db migrate`.',
    messageZh: '数据库结构不是最新版本，请执行 ehc db migrate。',
  },
  // Cipher machine (应用密码机).
  KEYS_NOT_INITIALISED: {
    status: 503,
    message: 'The cipher machine has no keys; run `ehc keys init`.',
    messageZh: '密码机尚未初始化密钥，请执行 ehc keys init。',
  },
  KEYS_ALREADY_INITIALISED: {
    status: 409,
    message: 'The cipher machine already has keys.',
    messageZh: '密码机密钥已存在。',
  },
  MASTER_KEY_MISMATCH: {
    status: 500,
    message: 'EHC_MASTER_KEY is not the master key the stored keys were created with.',
    messageZh: '主密钥与存储密钥不匹配。',
  },
  KEY_INTEGRITY_FAILED: {
    status: 500,
    message: 'A stored key failed its integrity check.',
    messageZh: '存储密钥完整性校验失败。',
  },
  VALIDITY_INVALID: {
    status: 400,
    message: 'The dynamic-code validity field cannot be decrypted.',
    messageZh: '动态码有效期字段无法解密。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
