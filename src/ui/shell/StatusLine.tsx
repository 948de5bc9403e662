import { useVeilShallow } from '../../store';
import { formatDuration } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';

/**
 * One line under the toolbar: whatever is happening now (import, run or export) and how far it is.
 * A run shows the ProgressBar component (files, MB, time left); the rest is a short status.
 */
export function StatusLine() {
  const { importing, run, exporting, runNotice } = useVeilShallow((s) => ({
    importing: s.importing,
    run: s.run,
    exporting: s.exporting,
    runNotice: s.runNotice,
  }));

  let label = 'Ready';
  let value: number | null = null;
  let detail = '';
  let tone: 'idle' | 'busy' | 'done' | 'error' = 'idle';
  if (exporting.status === 'writing') {
    label = 'Writing the zip';
    value = exporting.total > 0 ? exporting.written / exporting.total : 0;
    detail = `${exporting.written} of ${exporting.total} files`;
    tone = 'busy';
  } else if (importing.active) {
    label = 'Reading headers';
    value = importing.found > 0 ? importing.read / importing.found : 0;
    detail = `${importing.read} of ${importing.found} files`;
    tone = 'busy';
  } else if (exporting.status === 'done' || exporting.status === 'error') {
    label = exporting.status === 'done' ? 'Exported' : 'Export failed';
    detail = exporting.message ?? '';
    tone = exporting.status === 'done' ? 'done' : 'error';
  } else if (runNotice) {
    label = runNotice.kind === 'error' ? 'Cannot start' : 'Note';
    detail = runNotice.text;
    tone = runNotice.kind === 'error' ? 'error' : 'idle';
  } else if (run.status === 'done' || run.status === 'cancelled') {
    const ok = run.done - run.failed;
    label = run.status === 'done' ? 'De-identified' : 'Cancelled';
    detail = `${ok} of ${run.total} files de-identified${run.failed > 0 ? `, ${run.failed} failed (see the Summary tab)` : ''}${
      run.startedAt !== null && run.finishedAt !== null
        ? ` in ${formatDuration(run.finishedAt - run.startedAt)}`
        : ''
    }`;
    tone = run.failed > 0 || run.status === 'cancelled' ? 'error' : 'done';
  }

  if (run.status === 'running' && exporting.status !== 'writing') {
    return (
      <div className="app-progress app-progress--busy" data-testid="status">
        <strong className="app-progress__label">De-identifying</strong>
        <div className="app-progress__component">
          <ProgressBar
            filesDone={run.done}
            filesTotal={run.total}
            bytesDone={run.bytesDone}
            bytesTotal={run.bytesTotal}
            etaMs={run.etaMs}
            failed={run.failed}
          />
        </div>
      </div>
    );
  }

  return (
    <div className={`app-progress app-progress--${tone}`} data-testid="status">
      <div
        className="app-progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(value !== null ? { 'aria-valuenow': Math.round(value * 100) } : {})}
      >
        <div
          className="app-progress__fill"
          style={{ transform: `scaleX(${(value ?? (tone === 'done' ? 1 : 0)).toFixed(3)})` }}
        />
      </div>
      <p className="app-progress__text" aria-live="polite">
        <strong>{label}</strong>
        {detail && <span> · {detail}</span>}
      </p>
    </div>
  );
}
