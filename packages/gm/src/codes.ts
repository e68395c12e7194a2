/**
 * The code tables of the EHC data standards (EHC-FORMATS §1) as data, with membership checks,
 * plus shape checks for region (GB/T 2260) and department codes.
 *
 * Every entry is `{ code, name (Chinese), nameEn }`; entries the platform chose itself where no
 * public source settles the question carry `assumed: true`. Tables are frozen arrays in string
 * order of their codes (so `111` sorts before `99`, and a scene's sub-steps follow their step).
 * The scene table is the national default: provinces extend it with
 * {@link extendCodeTable} and check against their own table.
 *
 * @module
 */

/** One row of a code table. */
export interface CodeEntry {
  readonly code: string;
  /** Chinese name as the standard writes it. */
  readonly name: string;
  readonly nameEn: string;
  /** Our design choice rather than a published code (EHC-FORMATS marks these *(assumed)*). */
  readonly assumed?: boolean;
}

/** A code table: entries in code order, codes unique. */
export type CodeTable = readonly CodeEntry[];

/** A code table whose codes are known literals, so `(typeof TABLE)[number]['code']` is their union. */
export type TypedCodeTable<C extends string> = readonly (CodeEntry & { readonly code: C })[];

function table<const C extends string>(
  entries: readonly (CodeEntry & { readonly code: C })[],
): TypedCodeTable<C> {
  for (const entry of entries) Object.freeze(entry);
  return Object.freeze(entries);
}

/**
 * ID document type (身份证件类别), CV02.01.101, plus the local `111` for newborns.
 *
 * @example
 * findCode(ID_TYPE_CODES, '01')?.name; // '居民身份证'
 */
export const ID_TYPE_CODES = table([
  { code: '01', name: '居民身份证', nameEn: 'Resident identity card' },
  { code: '02', name: '居民户口簿', nameEn: 'Household register' },
  { code: '03', name: '护照', nameEn: 'Passport' },
  { code: '04', name: '军官证', nameEn: "Military officer's ID" },
  { code: '05', name: '驾驶证', nameEn: 'Driving licence' },
  {
    code: '06',
    name: '港澳居民来往内地通行证',
    nameEn: 'Mainland travel permit for Hong Kong and Macao residents',
  },
  { code: '07', name: '台湾居民来往内地通行证', nameEn: 'Mainland travel permit for Taiwan residents' },
  { code: '111', name: '出生医学证明', nameEn: 'Medical birth certificate (newborns; local extension)' },
  { code: '99', name: '其他法定有效证件', nameEn: 'Other legal identity document' },
]);
/** An ID document type code: `01`…`07`, `99`, `111`. */
export type IdTypeCode = (typeof ID_TYPE_CODES)[number]['code'];

/**
 * Sex (性别), GB/T 2261.1.
 *
 * @example
 * findCode(SEX_CODES, '2')?.nameEn; // 'Female'
 */
export const SEX_CODES = table([
  { code: '0', name: '未知的性别', nameEn: 'Unknown' },
  { code: '1', name: '男性', nameEn: 'Male' },
  { code: '2', name: '女性', nameEn: 'Female' },
  { code: '9', name: '未说明的性别', nameEn: 'Unspecified' },
]);
/** A GB/T 2261.1 sex code. */
export type SexCode = (typeof SEX_CODES)[number]['code'];

/**
 * Ethnicity (民族), GB 3304-1991: the 56 groups with the standard's romanisation, then 97 and 98.
 *
 * @example
 * ETHNICITY_CODES.length; // 58
 * findCode(ETHNICITY_CODES, '05')?.name; // '维吾尔族'
 */
export const ETHNICITY_CODES = table([
  { code: '01', name: '汉族', nameEn: 'Han' },
  { code: '02', name: '蒙古族', nameEn: 'Mongol' },
  { code: '03', name: '回族', nameEn: 'Hui' },
  { code: '04', name: '藏族', nameEn: 'Zang' },
  { code: '05', name: '维吾尔族', nameEn: 'Uygur' },
  { code: '06', name: '苗族', nameEn: 'Miao' },
  { code: '07', name: '彝族', nameEn: 'Yi' },
  { code: '08', name: '壮族', nameEn: 'Zhuang' },
  { code: '09', name: '布依族', nameEn: 'Buyei' },
  { code: '10', name: '朝鲜族', nameEn: 'Chosen' },
  { code: '11', name: '满族', nameEn: 'Man' },
  { code: '12', name: '侗族', nameEn: 'Dong' },
  { code: '13', name: '瑶族', nameEn: 'Yao' },
  { code: '14', name: '白族', nameEn: 'Bai' },
  { code: '15', name: '土家族', nameEn: 'Tujia' },
  { code: '16', name: '哈尼族', nameEn: 'Hani' },
  { code: '17', name: '哈萨克族', nameEn: 'Kazak' },
  { code: '18', name: '傣族', nameEn: 'Dai' },
  { code: '19', name: '黎族', nameEn: 'Li' },
  { code: '20', name: '傈僳族', nameEn: 'Lisu' },
  { code: '21', name: '佤族', nameEn: 'Va' },
  { code: '22', name: '畲族', nameEn: 'She' },
  { code: '23', name: '高山族', nameEn: 'Gaoshan' },
  { code: '24', name: '拉祜族', nameEn: 'Lahu' },
  { code: '25', name: '水族', nameEn: 'Sui' },
  { code: '26', name: '东乡族', nameEn: 'Dongxiang' },
  { code: '27', name: '纳西族', nameEn: 'Naxi' },
  { code: '28', name: '景颇族', nameEn: 'Jingpo' },
  { code: '29', name: '柯尔克孜族', nameEn: 'Kirgiz' },
  { code: '30', name: '土族', nameEn: 'Tu' },
  { code: '31', name: '达斡尔族', nameEn: 'Daur' },
  { code: '32', name: '仫佬族', nameEn: 'Mulao' },
  { code: '33', name: '羌族', nameEn: 'Qiang' },
  { code: '34', name: '布朗族', nameEn: 'Blang' },
  { code: '35', name: '撒拉族', nameEn: 'Salar' },
  { code: '36', name: '毛南族', nameEn: 'Maonan' },
  { code: '37', name: '仡佬族', nameEn: 'Gelao' },
  { code: '38', name: '锡伯族', nameEn: 'Xibe' },
  { code: '39', name: '阿昌族', nameEn: 'Achang' },
  { code: '40', name: '普米族', nameEn: 'Pumi' },
  { code: '41', name: '塔吉克族', nameEn: 'Tajik' },
  { code: '42', name: '怒族', nameEn: 'Nu' },
  { code: '43', name: '乌孜别克族', nameEn: 'Uzbek' },
  { code: '44', name: '俄罗斯族', nameEn: 'Russ' },
  { code: '45', name: '鄂温克族', nameEn: 'Ewenki' },
  { code: '46', name: '德昂族', nameEn: 'Deang' },
  { code: '47', name: '保安族', nameEn: 'Bonan' },
  { code: '48', name: '裕固族', nameEn: 'Yugur' },
  { code: '49', name: '京族', nameEn: 'Gin' },
  { code: '50', name: '塔塔尔族', nameEn: 'Tatar' },
  { code: '51', name: '独龙族', nameEn: 'Derung' },
  { code: '52', name: '鄂伦春族', nameEn: 'Oroqen' },
  { code: '53', name: '赫哲族', nameEn: 'Hezhen' },
  { code: '54', name: '门巴族', nameEn: 'Monba' },
  { code: '55', name: '珞巴族', nameEn: 'Lhoba' },
  { code: '56', name: '基诺族', nameEn: 'Jino' },
  { code: '97', name: '其他', nameEn: 'Other' },
  { code: '98', name: '外国血统中国籍人士', nameEn: 'Chinese citizen of foreign origin' },
]);
/** A GB 3304 ethnicity code: `01`…`56`, `97`, `98`. */
export type EthnicityCode = (typeof ETHNICITY_CODES)[number]['code'];

/**
 * Marital status (婚姻状况), GB/T 2261.2.
 *
 * @example
 * findCode(MARITAL_STATUS_CODES, '40')?.name; // '离婚'
 */
export const MARITAL_STATUS_CODES = table([
  { code: '10', name: '未婚', nameEn: 'Single' },
  { code: '20', name: '已婚', nameEn: 'Married' },
  { code: '21', name: '初婚', nameEn: 'First marriage' },
  { code: '22', name: '再婚', nameEn: 'Remarried' },
  { code: '23', name: '复婚', nameEn: 'Remarried to former spouse' },
  { code: '30', name: '丧偶', nameEn: 'Widowed' },
  { code: '40', name: '离婚', nameEn: 'Divorced' },
  { code: '90', name: '未说明的婚姻状况', nameEn: 'Unspecified' },
]);
/** A GB/T 2261.2 marital status code. */
export type MaritalStatusCode = (typeof MARITAL_STATUS_CODES)[number]['code'];

/**
 * Card channel (用卡/发卡渠道).
 *
 * @example
 * findCode(CARD_CHANNEL_CODES, '0402')?.name; // '小程序'
 */
export const CARD_CHANNEL_CODES = table([
  { code: '0100', name: '人工窗口', nameEn: 'Staffed counter' },
  { code: '0200', name: '自助机', nameEn: 'Self-service kiosk' },
  { code: '0300', name: '医生工作站', nameEn: 'Doctor workstation' },
  { code: '0401', name: '公众号', nameEn: 'Service account' },
  { code: '0402', name: '小程序', nameEn: 'Mini-program' },
  { code: '0403', name: 'APP', nameEn: 'Mobile app', assumed: true },
  { code: '0500', name: '批量', nameEn: 'Batch', assumed: true },
]);
/** A card channel code. */
export type CardChannelCode = (typeof CARD_CHANNEL_CODES)[number]['code'];

/**
 * Terminal type (channelcode in `ehc.ehealthcode.verify`).
 *
 * @example
 * findCode(TERMINAL_TYPE_CODES, '02')?.nameEn; // 'Self-service kiosk'
 */
export const TERMINAL_TYPE_CODES = table([
  { code: '01', name: '人工窗口', nameEn: 'Staffed counter' },
  { code: '02', name: '自助机', nameEn: 'Self-service kiosk' },
  { code: '99', name: '其他', nameEn: 'Other' },
]);
/** A terminal type code. */
export type TerminalTypeCode = (typeof TERMINAL_TYPE_CODES)[number]['code'];

/**
 * Cost type (用卡费别).
 *
 * @example
 * findCode(COST_TYPE_CODES, '0200')?.name; // '医保'
 */
export const COST_TYPE_CODES = table([
  { code: '0000', name: '其他', nameEn: 'Other' },
  { code: '0100', name: '自费', nameEn: 'Self-pay' },
  { code: '0200', name: '医保', nameEn: 'Medical insurance' },
  { code: '0300', name: '公费', nameEn: 'Public funding' },
]);
/** A cost type code. */
export type CostTypeCode = (typeof COST_TYPE_CODES)[number]['code'];

/**
 * Card type in card-use reports.
 *
 * @example
 * findCode(CARD_TYPE_CODES, '11')?.name; // '电子健康卡'
 */
export const CARD_TYPE_CODES = table([{ code: '11', name: '电子健康卡', nameEn: 'Electronic health card' }]);
/** A card type code (`11`). */
export type CardTypeCode = (typeof CARD_TYPE_CODES)[number]['code'];

/**
 * Scene / treatment step (用卡环节, medstepcode): six digits for a step, seven for a sub-step
 * (the step's code plus one digit). The national default; extend per province.
 *
 * @example
 * findCode(SCENE_CODES, '0101051')?.name; // '门诊缴费'
 */
export const SCENE_CODES: CodeTable = table([
  { code: '010101', name: '挂号', nameEn: 'Registration' },
  { code: '0101011', name: '预约挂号', nameEn: 'Appointment registration' },
  { code: '0101012', name: '当日挂号', nameEn: 'Same-day registration' },
  { code: '0101013', name: '挂号记录', nameEn: 'Registration record' },
  { code: '0101014', name: '预约导诊', nameEn: 'Appointment guidance' },
  { code: '0101021', name: '排队候诊', nameEn: 'Queueing' },
  { code: '010103', name: '就诊', nameEn: 'Consultation', assumed: true },
  { code: '010104', name: '检查', nameEn: 'Examination', assumed: true },
  { code: '010105', name: '缴费', nameEn: 'Charging' },
  { code: '0101051', name: '门诊缴费', nameEn: 'Outpatient payment' },
  { code: '0101052', name: '门诊缴费记录', nameEn: 'Outpatient payment record' },
  { code: '0101053', name: '住院缴费', nameEn: 'Inpatient payment' },
  { code: '0101054', name: '住院缴费记录', nameEn: 'Inpatient payment record' },
  { code: '010106', name: '检验', nameEn: 'Laboratory test', assumed: true },
  { code: '010107', name: '取药', nameEn: 'Dispensing', assumed: true },
  { code: '0101081', name: '检查报告', nameEn: 'Examination report' },
  { code: '0101082', name: '检验报告', nameEn: 'Laboratory report' },
  { code: '0101083', name: '体检报告', nameEn: 'Physical-examination report' },
  { code: '010109', name: '住院', nameEn: 'Inpatient stay' },
  { code: '010110', name: '体检', nameEn: 'Physical examination', assumed: true },
]);

/**
 * Province-level divisions of GB/T 2260 (the first two digits of every region code).
 * 81 and 82 are Hong Kong and Macao.
 *
 * @example
 * findCode(PROVINCE_CODES, '370000')?.name; // '山东省'
 */
export const PROVINCE_CODES: CodeTable = table([
  { code: '110000', name: '北京市', nameEn: 'Beijing' },
  { code: '120000', name: '天津市', nameEn: 'Tianjin' },
  { code: '130000', name: '河北省', nameEn: 'Hebei' },
  { code: '140000', name: '山西省', nameEn: 'Shanxi' },
  { code: '150000', name: '内蒙古自治区', nameEn: 'Inner Mongolia' },
  { code: '210000', name: '辽宁省', nameEn: 'Liaoning' },
  { code: '220000', name: '吉林省', nameEn: 'Jilin' },
  { code: '230000', name: '黑龙江省', nameEn: 'Heilongjiang' },
  { code: '310000', name: '上海市', nameEn: 'Shanghai' },
  { code: '320000', name: '江苏省', nameEn: 'Jiangsu' },
  { code: '330000', name: '浙江省', nameEn: 'Zhejiang' },
  { code: '340000', name: '安徽省', nameEn: 'Anhui' },
  { code: '350000', name: '福建省', nameEn: 'Fujian' },
  { code: '360000', name: '江西省', nameEn: 'Jiangxi' },
  { code: '370000', name: '山东省', nameEn: 'Shandong' },
  { code: '410000', name: '河南省', nameEn: 'Henan' },
  { code: '420000', name: '湖北省', nameEn: 'Hubei' },
  { code: '430000', name: '湖南省', nameEn: 'Hunan' },
  { code: '440000', name: '广东省', nameEn: 'Guangdong' },
  { code: '450000', name: '广西壮族自治区', nameEn: 'Guangxi' },
  { code: '460000', name: '海南省', nameEn: 'Hainan' },
  { code: '500000', name: '重庆市', nameEn: 'Chongqing' },
  { code: '510000', name: '四川省', nameEn: 'Sichuan' },
  { code: '520000', name: '贵州省', nameEn: 'Guizhou' },
  { code: '530000', name: '云南省', nameEn: 'Yunnan' },
  { code: '540000', name: '西藏自治区', nameEn: 'Tibet' },
  { code: '610000', name: '陕西省', nameEn: 'Shaanxi' },
  { code: '620000', name: '甘肃省', nameEn: 'Gansu' },
  { code: '630000', name: '青海省', nameEn: 'Qinghai' },
  { code: '640000', name: '宁夏回族自治区', nameEn: 'Ningxia' },
  { code: '650000', name: '新疆维吾尔自治区', nameEn: 'Xinjiang' },
  { code: '710000', name: '台湾省', nameEn: 'Taiwan' },
  { code: '810000', name: '香港特别行政区', nameEn: 'Hong Kong' },
  { code: '820000', name: '澳门特别行政区', nameEn: 'Macao' },
]);

/**
 * Looks a code up in a table.
 *
 * @example
 * findCode(ETHNICITY_CODES, '56')?.name; // '基诺族'
 */
export function findCode(codeTable: CodeTable, code: string): CodeEntry | undefined {
  return codeTable.find((entry) => entry.code === code);
}

function membership<C extends string>(codeTable: readonly { code: C }[]): (code: unknown) => code is C {
  const codes = new Set<unknown>(codeTable.map((entry) => entry.code));
  return (code: unknown): code is C => codes.has(code);
}

/**
 * Whether `code` is an ID document type code (`01`…`07`, `99`, `111`).
 *
 * @example
 * isValidIdTypeCode('01'); // true
 */
export const isValidIdTypeCode: (code: unknown) => code is IdTypeCode = membership(ID_TYPE_CODES);

/**
 * Whether `code` is a GB/T 2261.1 sex code (`0`, `1`, `2`, `9`).
 *
 * @example
 * isValidSexCode('2'); // true
 */
export const isValidSexCode: (code: unknown) => code is SexCode = membership(SEX_CODES);

/**
 * Whether `code` is a GB 3304 ethnicity code (`01`…`56`, `97`, `98`).
 *
 * @example
 * isValidEthnicityCode('56'); // true; isValidEthnicityCode('57') is false
 */
export const isValidEthnicityCode: (code: unknown) => code is EthnicityCode = membership(ETHNICITY_CODES);

/**
 * Whether `code` is a GB/T 2261.2 marital status code.
 *
 * @example
 * isValidMaritalStatusCode('21'); // true
 */
export const isValidMaritalStatusCode: (code: unknown) => code is MaritalStatusCode =
  membership(MARITAL_STATUS_CODES);

/**
 * Whether `code` is a card channel code.
 *
 * @example
 * isValidCardChannelCode('0402'); // true
 */
export const isValidCardChannelCode: (code: unknown) => code is CardChannelCode =
  membership(CARD_CHANNEL_CODES);

/**
 * Whether `code` is a terminal type code.
 *
 * @example
 * isValidTerminalTypeCode('02'); // true
 */
export const isValidTerminalTypeCode: (code: unknown) => code is TerminalTypeCode =
  membership(TERMINAL_TYPE_CODES);

/**
 * Whether `code` is a cost type code.
 *
 * @example
 * isValidCostTypeCode('0200'); // true
 */
export const isValidCostTypeCode: (code: unknown) => code is CostTypeCode = membership(COST_TYPE_CODES);

/**
 * Whether `code` is a card type code (only `11`, EHC).
 *
 * @example
 * isValidCardTypeCode('11'); // true
 */
export const isValidCardTypeCode: (code: unknown) => code is CardTypeCode = membership(CARD_TYPE_CODES);

/**
 * Whether `code` has the shape of a scene code: six digits (a step) or seven (a sub-step).
 *
 * @example
 * isSceneCodeShape('0101011'); // true
 */
export function isSceneCodeShape(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9]{6,7}$/.test(code);
}

/**
 * Whether `code` is in a scene table: the national default, or a province's extended table.
 *
 * @example
 * isValidSceneCode('0101051'); // true
 * isValidSceneCode('0102011', shandongScenes); // true if Shandong added it
 */
export function isValidSceneCode(code: unknown, scenes: CodeTable = SCENE_CODES): code is string {
  return typeof code === 'string' && scenes.some((entry) => entry.code === code);
}

/**
 * A new table: `base` with `entries` added, an entry with an existing code replacing it. The
 * result is frozen and in code order.
 *
 * @throws {RangeError} when `entries` repeats a code, or an entry has an empty code or name.
 * @example
 * const scenes = extendCodeTable(SCENE_CODES, [{ code: '010201', name: '疫苗接种', nameEn: 'Vaccination' }]);
 */
export function extendCodeTable(base: CodeTable, entries: readonly CodeEntry[]): CodeTable {
  const byCode = new Map(base.map((entry) => [entry.code, entry]));
  const added = new Set<string>();
  for (const entry of entries) {
    if (!entry.code || !entry.name) throw new RangeError('every code table entry needs a code and a name');
    if (added.has(entry.code)) throw new RangeError(`code ${entry.code} appears twice in the extension`);
    added.add(entry.code);
    byCode.set(entry.code, { ...entry });
  }
  const merged = [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return table(merged);
}

/** Administrative level of a GB/T 2260 region code. */
export type RegionLevel = 'province' | 'city' | 'county';

/** A region code taken apart. */
export interface RegionCodeInfo {
  code: string;
  level: RegionLevel;
  /** The province's code, `PP0000`. */
  provinceCode: string;
  /** The prefecture-level code `PPCC00` (the city itself for a city, absent for a province). */
  cityCode?: string;
}

const PROVINCE_PREFIXES = new Set(PROVINCE_CODES.map((entry) => entry.code.slice(0, 2)));

/**
 * Takes a GB/T 2260 region code apart if it is well formed: six digits, a known province prefix,
 * and either `PP0000` (province), `PPCC00` (city, CC ≠ 00) or `PPCCDD` (county, CC and DD ≠ 00).
 * Whether the code is currently in use is not checked (codes are retired over time).
 *
 * @example
 * parseRegionCode('370102'); // { code: '370102', level: 'county', provinceCode: '370000', cityCode: '370100' }
 * parseRegionCode('370012'); // undefined: a county needs a city
 */
export function parseRegionCode(code: unknown): RegionCodeInfo | undefined {
  if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) return undefined;
  const province = code.slice(0, 2);
  if (!PROVINCE_PREFIXES.has(province)) return undefined;
  const city = code.slice(2, 4);
  const county = code.slice(4, 6);
  const provinceCode = `${province}0000`;
  if (city === '00') return county === '00' ? { code, level: 'province', provinceCode } : undefined;
  const cityCode = `${province}${city}00`;
  return { code, level: county === '00' ? 'city' : 'county', provinceCode, cityCode };
}

/**
 * Whether `code` is a well-formed GB/T 2260 region code (see {@link parseRegionCode}).
 *
 * @example
 * isValidRegionCode('370100'); // true
 */
export function isValidRegionCode(code: unknown): code is string {
  return parseRegionCode(code) !== undefined;
}

/**
 * Whether `code` has the shape of a standard department code: four digits, e.g. `0100`.
 *
 * @example
 * isDepartmentCodeShape('5600'); // true
 */
export function isDepartmentCodeShape(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9]{4}$/.test(code);
}
