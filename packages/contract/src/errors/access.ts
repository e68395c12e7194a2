/** Error codes of application access: signed REST requests (§7) and the `ehc.*` gateway (§4). */
import type { ErrorCodeInfo } from './types.js';

export const ACCESS_ERROR_CODES = {
  APP_UNKNOWN: {
    status: 401,
    message: 'The app_id is not known or the application is disabled.',
    messageZh: '应用标识无效或应用已停用。',
  },
  SIGNATURE_INVALID: {
    status: 401,
    message: 'The request signature does not match; check the secret and the signed text.',
    messageZh: '请求签名校验失败。',
  },
  SIGNATURE_HEADERS_MISSING: {
    status: 401,
    message: 'Signed requests need X-EHC-App-Id, X-EHC-Timestamp, X-EHC-Nonce and X-EHC-Signature.',
    messageZh: '缺少签名请求头。',
  },
  TIMESTAMP_STALE: {
    status: 401,
    message: 'The request timestamp is more than 5 minutes away from the server clock.',
    messageZh: '请求时间戳与服务器时间相差超过 5 分钟。',
  },
  REQUEST_REPLAYED: {
    status: 401,
    message: 'This nonce or digest was already used within the time window (replay).',
    messageZh: '重复请求（重放）。',
  },
  GATEWAY_REQUEST_INVALID: {
    status: 400,
    message: 'The gateway request is malformed; every field must be a string and the required ones present.',
    messageZh: '网关请求格式错误。',
  },
  GATEWAY_METHOD_UNKNOWN: {
    status: 400,
    message: 'The gateway has no such method.',
    messageZh: '网关方法不存在。',
  },
  GATEWAY_DIGEST_INVALID: {
    status: 401,
    message: 'The digest does not match the request fields and the app secret.',
    messageZh: '摘要校验失败。',
  },
  GATEWAY_BIZ_CONTENT_INVALID: {
    status: 400,
    message: 'biz_content cannot be decrypted or is not a JSON object.',
    messageZh: '业务参数无法解密或不是 JSON 对象。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
