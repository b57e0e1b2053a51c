import { useCallback, useEffect, useState } from 'react';

import { api, ApiError, type Connector } from './api.js';
import { currentToken, signIn, signOut } from './auth.js';
import { ConnectorCard } from './connector-card.js';
import { preferredLanguage, translator, type Language } from './messages.js';
import { NewConnectorForm } from './new-connector-form.js';
import { usePolling } from './use-polling.js';

export function App({ signInError }: { signInError?: string }) {
  const [language, setLanguage] = useState<Language>(preferredLanguage);
  const t = translator(language);
  const [connectors, setConnectors] = useState<Connector[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>(signInError);
  const [forbidden, setForbidden] = useState(false);
  const signedIn = currentToken() !== undefined;

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem('vc-admin-language', language);
  }, [language]);

  const load = useCallback(async () => {
    try {
      const list = await api<{ items: Connector[] }>('/v1/admin/connectors');
      setConnectors(list.items);
      setProblem(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setForbidden(true);
      else if (err instanceof ApiError && err.status === 401) signOut();
      else setProblem(err instanceof Error ? err.message : String(err));
    }
  }, []);

  const active =
    connectors?.some((c) => c.health.current_run !== null && c.health.status !== 'needs_approval') ?? false;
  usePolling(load, signedIn && !forbidden, active ? 1000 : 5000);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 960, margin: '0 auto', padding: 16 }}>
      <header style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h1>{t('title')}</h1>
        <div style={{ display: 'flex', gap: 8 }}>
          <button type="button" onClick={() => setLanguage(language === 'en' ? 'de' : 'en')}>
            {t('language')}
          </button>
          {signedIn ? (
            <button type="button" onClick={signOut}>
              {t('signOut')}
            </button>
          ) : null}
        </div>
      </header>
      {problem !== undefined ? <p role="alert">{t('loadFailed', { message: problem })}</p> : null}
      {!signedIn ? (
        <button type="button" onClick={() => void signIn()}>
          {t('signIn')}
        </button>
      ) : forbidden ? (
        <p role="alert" data-testid="not-admin">
          {t('notAdmin')}
        </p>
      ) : connectors === undefined ? (
        <p>{t('signingIn')}</p>
      ) : (
        <>
          {connectors.length === 0 ? <p>{t('noConnectors')}</p> : null}
          {connectors.map((connector) => (
            <ConnectorCard key={connector.id} connector={connector} t={t} onChange={load} />
          ))}
          <NewConnectorForm t={t} onCreated={load} />
        </>
      )}
    </main>
  );
}
