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
  CARD_KIND_UNSUPPORTED: {
    status: 409,
    message: 'This operation does not apply to this kind of card (newborn, temporary or formal).',
    messageZh: '此类电子健康卡（新生儿卡、临时卡或正式卡）不支持该操作。',
  },
  // Newborn cards (新生儿卡, A3).
  GUARDIAN_NOT_VERIFIED: {
    status: 422,
    message:
      "The guardian must hold an active card or pass real-name verification before a newborn's card is issued.",
    messageZh: '监护人须持有有效电子健康卡或通过实名认证，方可为新生儿办卡。',
  },
  BIRTH_TIME_INVALID: {
    status: 400,
    message: 'birth_time must be an ISO 8601 time with a time zone, not in the future.',
    messageZh: '出生时间须为带时区的 ISO 8601 时间，且不晚于当前时间。',
  },
  PARITY_INVALID: {
    status: 400,
    message: 'parity (胎次) must be a whole number from 1 to 20.',
    messageZh: '胎次须为 1 至 20 的整数。',
  },
  BIRTH_ORDER_INVALID: {
    status: 400,
    message: 'birth_order (the order within a multiple birth) must be a whole number from 1 to 10.',
    messageZh: '多胞胎出生顺序须为 1 至 10 的整数。',
  },
  NEWBORN_ALREADY_UPGRADED: {
    status: 409,
    message: "This newborn's card already carries the child's own resident ID number.",
    messageZh: '该新生儿卡已升级为本人居民身份证号码。',
  },
  NEWBORN_UPGRADE_CONFLICT: {
    status: 409,
    message: 'Another resident already holds this ID number; the newborn card cannot take it.',
    messageZh: '该身份证号码已被其他居民使用，新生儿卡无法升级。',
  },
  // Temporary cards (临时卡, A4).
  TEMPORARY_CARD_EXPIRED: {
    status: 409,
    message: 'The temporary card has expired; issue a new one or register a formal card.',
    messageZh: '临时卡已过期，请重新办理临时卡或正式卡。',
  },
  TEMPORARY_CARD_MERGED: {
    status: 409,
    message: 'The temporary card was merged into a formal card; use that card.',
    messageZh: '临时卡已合并至正式卡，请使用正式卡。',
  },
  MERGE_TARGET_INVALID: {
    status: 409,
    message: 'A temporary card can only be merged into an active formal or newborn card.',
    messageZh: '临时卡只能合并至有效的正式卡或新生儿卡。',
  },
  // Family (家庭成员, A5).
  ACCOUNT_NOT_FOUND: {
    status: 404,
    message: 'No resident account with this id.',
    messageZh: '居民账户不存在。',
  },
  FAMILY_LIMIT_REACHED: {
    status: 409,
    message: 'The account already links the most family members allowed (EHC_FAMILY_MAX_MEMBERS).',
    messageZh: '家庭成员数量已达上限。',
  },
  FAMILY_MEMBER_EXISTS: {
    status: 409,
    message: "This card is already linked to the account (or is the owner's own card).",
    messageZh: '该电子健康卡已关联到此账户。',
  },
  FAMILY_MEMBER_NOT_FOUND: {
    status: 404,
    message: 'This card is not a family member of the account.',
    messageZh: '该电子健康卡不是此账户的家庭成员。',
  },
  FAMILY_NOT_GUARDIAN: {
    status: 403,
    message: "Only the member's guardian may show a family member's code.",
    messageZh: '仅监护人可出示家庭成员的电子健康码。',
  },
  FAMILY_NOT_MINOR: {
    status: 422,
    message: 'A guardian may register only a minor (under 18) through the family account.',
    messageZh: '监护人只能为未成年人（未满 18 周岁）代办电子健康卡。',
  },
  FAMILY_RELATION_INVALID: {
    status: 400,
    message: 'relation must be parent, child, spouse or other.',
    messageZh: '家庭关系须为 parent、child、spouse 或 other。',
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
