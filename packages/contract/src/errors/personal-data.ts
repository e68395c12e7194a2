/** Error codes of personal-data protection (C2). */
import type { ErrorCodeInfo } from './types.js';

export const PERSONAL_DATA_ERROR_CODES = {
  PERSONAL_DATA_TAMPERED: {
    status: 500,
    message: 'Stored personal data failed its integrity check (altered or damaged); it was not decrypted.',
    messageZh: '存储的个人信息未通过完整性校验（被篡改或损坏），未予解密。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
