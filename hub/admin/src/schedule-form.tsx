import { useState, type FormEvent } from 'react';

import { api, type Connector } from './api.js';
import type { Translate } from './messages.js';

interface Props {
  readonly connector: Connector;
  readonly t: Translate;
  readonly onSaved: () => Promise<void>;
}

/**
 * Edits a connector's schedule: incremental runs every N minutes and the full run's cron pattern;
 * an empty field turns that kind of run off (it then runs only when started). The API validates.
 */
export function ScheduleForm({ connector, t, onSaved }: Props) {
  const [minutes, setMinutes] = useState(
    connector.incremental_every_ms === null ? '' : String(connector.incremental_every_ms / 60_000),
  );
  const [cron, setCron] = useState(connector.full_cron ?? '');
  const [problem, setProblem] = useState<string | undefined>();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api(`/v1/admin/connectors/${connector.id}`, {
        method: 'PATCH',
        body: {
          incremental_every_ms: minutes.trim() === '' ? null : Math.round(Number(minutes) * 60_000),
          full_cron: cron.trim() === '' ? null : cron.trim(),
        },
      });
      setProblem(undefined);
      await onSaved();
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
      <label>
        {t('incrementalMinutes')}{' '}
        <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <label>
        {t('fullCron')}{' '}
        <input value={cron} placeholder="30 2 * * *" onChange={(e) => setCron(e.target.value)} />
      </label>
      <button type="submit">{t('saveSchedule')}</button>
      {problem !== undefined ? <p role="alert">{problem}</p> : null}
    </form>
  );
}
