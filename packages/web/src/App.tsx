import { useEffect, useState } from 'react';
import { initialLanguage, type Language, type MessageKey, saveLanguage, translate } from './i18n.js';

interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: { ok: boolean }; migrations: { ok: boolean; applied: number }; keys: { ok: boolean } };
}

/** The platform's landing page: what this node is and whether it is healthy. */
export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [readiness, setReadiness] = useState<Readiness | 'error' | undefined>();
  const t = (key: MessageKey) => translate(language, key);

  useEffect(() => {
    let cancelled = false;
    fetch('/readyz')
      .then((response) => response.json() as Promise<Readiness>)
      .then((body) => !cancelled && setReadiness(body))
      .catch(() => !cancelled && setReadiness('error'));
    return () => {
      cancelled = true;
    };
  }, []);

  const toggleLanguage = () => {
    const next = language === 'zh-CN' ? 'en' : 'zh-CN';
    saveLanguage(next);
    setLanguage(next);
  };

  const statusText =
    readiness === undefined
      ? t('statusChecking')
      : readiness !== 'error' && readiness.status === 'ready'
        ? t('statusReady')
        : t('statusUnavailable');

  return (
    <main style={styles.page}>
      <header style={styles.header}>
        <h1 style={styles.title}>{t('title')}</h1>
        <button type="button" onClick={toggleLanguage} style={styles.button} data-testid="language-switch">
          {t('switchLanguage')}
        </button>
      </header>
      <p>{t('subtitle')}</p>
      <section style={styles.card} aria-live="polite">
        <h2 style={styles.h2}>
          {t('status')}: <span data-testid="status">{statusText}</span>
        </h2>
        {readiness && readiness !== 'error' && (
          <ul>
            <li>
              {t('database')}: {readiness.checks.database.ok ? '✓' : '✗'}
            </li>
            <li>
              {t('migrations')}: {readiness.checks.migrations.ok ? '✓' : '✗'} (
              {readiness.checks.migrations.applied})
            </li>
            <li>
              {t('keys')}: {readiness.checks.keys.ok ? '✓' : '✗'}
            </li>
          </ul>
        )}
      </section>
      <p>
        <a href="/docs">{t('apiDocs')}</a>
      </p>
      <p style={styles.muted}>{t('portalsComing')}</p>
    </main>
  );
}

const styles = {
  page: {
    fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif',
    maxWidth: 720,
    margin: '0 auto',
    padding: 16,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: 12,
    flexWrap: 'wrap' as const,
  },
  title: { fontSize: 22, margin: '12px 0' },
  h2: { fontSize: 18, margin: 0 },
  button: { padding: '6px 12px', cursor: 'pointer' },
  card: { border: '1px solid #d9d9d9', borderRadius: 8, padding: 16, margin: '16px 0' },
  muted: { color: '#666' },
};
