import type { Run, RunDetail } from './api.js';
import type { Translate } from './messages.js';

interface Props {
  readonly run: Run;
  readonly skipped: RunDetail['skipped_records'];
  /** Skipped records counted but not in `skipped`. */
  readonly notShown: number;
  /** Records the last finished run saw: the yardstick of the progress bar. */
  readonly estimate: number;
  readonly t: Translate;
  readonly onApprove: () => Promise<void>;
  readonly onReject: () => Promise<void>;
}

export function RunView({ run, skipped, notShown, estimate, t, onApprove, onReject }: Props) {
  const live = run.state === 'queued' || run.state === 'running';
  const done = !live;
  const value = done ? 1 : estimate > 0 ? Math.min(0.99, run.counters.seen / estimate) : undefined;
  const counters = ['seen', 'created', 'updated', 'deactivated', 'skipped', 'errors'] as const;
  return (
    <div data-testid="run" data-state={run.state}>
      <p>
        <strong data-testid="run-state">{t(`state_${run.state}`)}</strong> · {run.mode}
        {run.dry_run ? ` · ${t('startDryRun')}` : ''}
      </p>
      {/* Without an estimate (first run) the bar is indeterminate: no value attribute. */}
      <progress
        data-testid="progress"
        style={{ width: '100%' }}
        max={1}
        {...(value === undefined ? {} : { value })}
      />
      <ul style={{ display: 'flex', gap: 16, listStyle: 'none', padding: 0 }}>
        {counters.map((name) => (
          <li key={name} data-testid={`counter-${name}`}>
            {t(name)}: {run.counters[name]}
          </li>
        ))}
      </ul>
      {run.error !== null ? (
        <p role="alert">
          {t('error')}: {run.error.code} — {run.error.message}
        </p>
      ) : null}
      {run.dry_run && done ? (
        <p data-testid="dry-run-diff">
          {t('dryRunDiff', {
            create: run.counters.created,
            update: run.counters.updated,
            deactivate: run.pending_deactivations,
          })}
        </p>
      ) : null}
      {run.state === 'needs_approval' ? (
        <div role="alert" data-testid="guard">
          <p>{t('guardText', { count: run.pending_deactivations, linked: run.linked_users })}</p>
          <button type="button" onClick={() => void onApprove()}>
            {t('approve')}
          </button>{' '}
          <button type="button" onClick={() => void onReject()}>
            {t('reject')}
          </button>
        </div>
      ) : null}
      {skipped.length > 0 ? (
        <>
          <h4>{t('skippedRecords')}</h4>
          <table data-testid="skipped">
            <thead>
              <tr>
                <th>{t('entry')}</th>
                <th>{t('reason')}</th>
              </tr>
            </thead>
            <tbody>
              {skipped.map((s, i) => (
                <tr key={`${s.external_id}-${i}`}>
                  <td title={s.external_id}>{s.label ?? s.external_id}</td>
                  <td>{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {notShown > 0 ? <p data-testid="skipped-not-shown">{t('notShown', { count: notShown })}</p> : null}
        </>
      ) : null}
    </div>
  );
}
