/**
 * Interface language: Simplified Chinese by default, English on request; the choice is kept in
 * localStorage. A flat dictionary per language; keys name the text's purpose.
 */
export type Language = 'zh-CN' | 'en';

const MESSAGES = {
  'zh-CN': {
    title: '电子健康卡管理与便民服务平台',
    subtitle: '一人一卡、一码通用：居民电子健康卡的发卡、验码、跨域互认与便民服务。',
    status: '服务状态',
    statusReady: '运行正常',
    statusUnavailable: '暂不可用',
    statusChecking: '检测中…',
    database: '数据库',
    migrations: '数据库版本',
    keys: '密码机密钥',
    apiDocs: '接口文档',
    portalsComing: '居民端 H5、窗口终端与管理控制台将在后续版本提供。',
    switchLanguage: 'English',
  },
  en: {
    title: 'Electronic Health Card Platform',
    subtitle:
      'One card, one code for every resident: issuance, verification, cross-region trust and services.',
    status: 'Service status',
    statusReady: 'Ready',
    statusUnavailable: 'Unavailable',
    statusChecking: 'Checking…',
    database: 'Database',
    migrations: 'Schema',
    keys: 'Cipher-machine keys',
    apiDocs: 'API reference',
    portalsComing: 'The resident H5, staff terminal and admin console come in later releases.',
    switchLanguage: '简体中文',
  },
} as const satisfies Record<Language, Record<string, string>>;

export type MessageKey = keyof (typeof MESSAGES)['zh-CN'];

const STORAGE_KEY = 'ehc.language';

export function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export function saveLanguage(language: Language): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
}

export function translate(language: Language, key: MessageKey): string {
  return MESSAGES[language][key];
}
