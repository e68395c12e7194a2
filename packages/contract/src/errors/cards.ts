/** Error codes of residents, cards and QR codes (A1–A7). */
import type { ErrorCodeInfo } from './types.js';

export const CARD_ERROR_CODES = {
  // Holder data (每条校验规则一个错误码).
  ID_TYPE_INVALID: {
    status: 400,
    message: 'id_type is not a code of the ID document table (CV02.01.101, e.g. 01).',
    messageZh: '证件类型不在代码表中。',
  },
  ID_NUMBER_INVALID: {
    status: 400,
    message:
      'The resident ID number fails the GB 11643 check (length, characters, region, date or check character).',
    messageZh: '居民身份证号码不符合 GB 11643 校验规则。',
  },
  ID_NUMBER_BIRTHDAY_MISMATCH: {
    status: 400,
    message: 'The birthday differs from the birth date inside the ID number.',
    messageZh: '出生日期与身份证号码中的出生日期不一致。',
  },
  ID_NUMBER_GENDER_MISMATCH: {
    status: 400,
    message: 'The gender differs from the sex encoded in the ID number.',
    messageZh: '性别与身份证号码中的性别不一致。',
  },
  NAME_INVALID: {
    status: 400,
    message: 'The name must be 1 to 50 characters: Chinese or Latin letters, spaces and the middle dot ·.',
    messageZh: '姓名须为 1 至 50 个字符，可含汉字、字母、空格与间隔号“·”。',
  },
  GENDER_INVALID: {
    status: 400,
    message: 'gender is not a GB/T 2261.1 code (0, 1, 2, 9).',
    messageZh: '性别代码不合法。',
  },
  NATION_INVALID: {
    status: 400,
    message: 'nation is not a GB 3304 ethnicity code.',
    messageZh: '民族代码不合法。',
  },
  BIRTHDAY_INVALID: {
    status: 400,
    message: 'birthday must be a real date yyyy-MM-dd, not in the future.',
    messageZh: '出生日期须为有效日期 (yyyy-MM-dd) 且不晚于今天。',
  },
  PHONE_INVALID: {
    status: 400,
    message: 'cellphone must be an 11-digit mainland mobile number.',
    messageZh: '手机号码须为 11 位大陆手机号。',
  },
  CHANNEL_INVALID: {
    status: 400,
    message: 'channel is not a card channel code.',
    messageZh: '渠道代码不合法。',
  },
  // Real-name verification (实名认证).
  IDENTITY_NOT_FOUND: {
    status: 422,
    message: 'The population registry does not know this person; the card cannot be issued.',
    messageZh: '人口库中无此人，无法发卡。',
  },
  IDENTITY_MISMATCH: {
    status: 422,
    message: 'The name, sex or birth date does not match the population registry.',
    messageZh: '姓名、性别或出生日期与人口库不一致。',
  },
  IDENTITY_DECEASED: {
    status: 422,
    message: 'The population registry records this person as deceased.',
    messageZh: '人口库登记此人已死亡。',
  },
  IDENTITY_PROVIDER_UNAVAILABLE: {
    status: 503,
    message: 'The identity provider could not be reached; retry later.',
    messageZh: '实名认证服务暂不可用，请稍后重试。',
  },
  // Cards.
  CARD_NOT_FOUND: { status: 404, message: 'No card with this EHC ID.', messageZh: '电子健康卡不存在。' },
  CARD_FROZEN: { status: 409, message: 'The card is frozen.', messageZh: '电子健康卡已冻结。' },
  CARD_CANCELLED: { status: 409, message: 'The card is cancelled.', messageZh: '电子健康卡已注销。' },
  CARD_STATUS_CONFLICT: {
    status: 409,
    message: 'The card is not in a state that allows this change.',
    messageZh: '电子健康卡当前状态不允许此操作。',
  },
  // QR codes (二维码).
  QR_MALFORMED: { status: 400, message: 'The text is not an EHC QR code.', messageZh: '二维码格式不正确。' },
  QR_EXPIRED: {
    status: 400,
    message: 'The dynamic QR code has expired; show a fresh one.',
    messageZh: '动态二维码已过期，请刷新。',
  },
  QR_TAMPERED: {
    status: 400,
    message: 'The QR code fails its cryptographic check (validity or signature).',
    messageZh: '二维码校验失败（有效期或签名不正确）。',
  },
  QR_CARD_UNKNOWN: {
    status: 404,
    message: 'The QR code names a card this platform does not know.',
    messageZh: '二维码对应的电子健康卡不存在。',
  },
  QR_NODE_UNKNOWN: {
    status: 400,
    message: 'The QR code was issued by a node this platform does not trust.',
    messageZh: '二维码由未受信任的节点签发。',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
