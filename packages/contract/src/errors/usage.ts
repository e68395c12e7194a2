/** Error codes of card-use records (用卡数据, B5). */
import type { ErrorCodeInfo } from './types.js';

export const USAGE_ERROR_CODES = {
  CARD_USE_SCENE_INVALID: {
    status: 400,
    message: 'The scene (medstepcode) is not a known six- or seven-digit treatment step.',
    messageZh: '用卡环节代码不合法或未登记。',
  },
  CARD_USE_CHANNEL_INVALID: {
    status: 400,
    message: 'The channel (channelcode) is not a known terminal type (01, 02, 99).',
    messageZh: '用卡渠道代码不合法。',
  },
  CARD_USE_COST_TYPE_INVALID: {
    status: 400,
    message: 'The cost type is not one of 0100, 0200, 0300, 0000.',
    messageZh: '用卡费别代码不合法。',
  },
  CARD_USE_DEPARTMENT_INVALID: {
    status: 400,
    message: 'The department code must be four digits.',
    messageZh: '科室代码应为四位数字。',
  },
  CARD_USE_TIME_INVALID: {
    status: 400,
    message: 'The use time is not a valid time, or lies in the future.',
    messageZh: '用卡时间不合法或晚于当前时间。',
  },
  CARD_USE_INVALID: {
    status: 400,
    message: 'The card-use record is not valid (card, EHC ID, institution or terminal).',
    messageZh: '用卡记录不合法（卡、电子健康卡ID、机构或终端）。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
