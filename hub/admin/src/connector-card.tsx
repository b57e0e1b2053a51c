import { useCallback, useState } from 'react';

import { api, ApiError, type Connector, type Run, type RunDetail } from './api.js';
import type { Translate } from './messages.js';
import { RunView } from './run-view.js';
import { ScheduleForm } from './schedule-form.js';
import { usePolling } from './use-polling.js';

interface Props {
  readonly connector: Connector;
  readonly t: Translate;
  readonly onChange: () => Promise<void>;
}

/** One connector: its health, the current (or last) run with progress, and the actions. */
export function ConnectorCard({ connector, t, onChange }: Props) {
  const [notice, setNotice] = useState<string | undefined>();
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const shown: Run | null = connector.health.current_run ?? connector.health.last_run;
  const base = `/v1/admin/connectors/${connector.id}`;

  const loadDetail = useCallback(async () => {
    if (shown === null) return;
    setDetail(await api<RunDetail>(`${base}/runs/${shown.id}`));
  }, [base, shown]);
  usePolling(loadDetail, shown !== null, 60_000);

  const act = async (work: () => Promise<unknown>, success?: string) => {
    try {
      await work();
      setNotice(success);
    } catch (err) {
      setNotice(
        err instanceof ApiError && err.status === 409 && err.code === 'conflict'
          ? t('runConflict')
          : err instanceof Error
            ? err.message
            : String(err),
      );
    }
    await onChange();
  };
  const start = (mode: 'full' | 'incremental', dryRun = false) =>
    act(() => api(`${base}/runs`, { method: 'POST', body: { mode, dry_run: dryRun } }), t('runStarted'));
  const check = () =>
    act(async () => {
      const result = await api<{ ok: boolean; message?: string }>(`${base}/check`, { method: 'POST' });
      if (!result.ok) throw new Error(t('checkFailed', { message: result.message ?? '' }));
    }, t('checkOk'));

  const open = connector.health.current_run !== null;
  return (
    <section
      data-testid={`connector-${connector.name}`}
      style={{ border: '1px solid #ccc', borderRadius: 8, padding: 16, marginBottom: 16 }}
    >
      <h2 style={{ marginTop: 0 }}>
        {connector.name} <small style={{ color: '#666' }}>({connector.type})</small>
      </h2>
      <p data-testid="health">{t(`health_${connector.health.status}`)}</p>
      <p data-testid="schedule">
        {t('schedule', {
          incremental:
            connector.incremental_every_ms === null
              ? t('scheduleOff')
              : t('everyMinutes', { minutes: Math.round(connector.incremental_every_ms / 60_000) }),
          full: connector.full_cron === null ? t('scheduleOff') : connector.full_cron,
        })}
      </p>
      <ScheduleForm connector={connector} t={t} onSaved={onChange} />
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 8 }}>
        <button type="button" disabled={open} onClick={() => void start('full')}>
          {t('startFull')}
        </button>
        <button type="button" disabled={open} onClick={() => void start('incremental')}>
          {t('startIncremental')}
        </button>
        <button type="button" disabled={open} onClick={() => void start('full', true)}>
          {t('startDryRun')}
        </button>
        <button type="button" onClick={() => void check()}>
          {t('testConnection')}
        </button>
      </div>
      {notice !== undefined ? <p role="status">{notice}</p> : null}
      <h3>{connector.health.current_run !== null ? t('currentRun') : t('lastRun')}</h3>
      {shown === null ? (
        <p>{t('none')}</p>
      ) : (
        <RunView
          run={detail?.id === shown.id ? { ...detail, ...shown } : shown}
          skipped={detail?.id === shown.id ? detail.skipped_records : []}
          notShown={detail?.id === shown.id ? detail.skipped_not_shown : 0}
          estimate={connector.health.last_run?.counters.seen ?? 0}
          t={t}
          onApprove={() => act(() => api(`${base}/runs/${shown.id}/approve`, { method: 'POST' }))}
          onReject={() => act(() => api(`${base}/runs/${shown.id}/reject`, { method: 'POST' }))}
        />
      )}
    </section>
  );
}
