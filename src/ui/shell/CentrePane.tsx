import { useState, type KeyboardEvent } from 'react';
import { useVeil, useVeilShallow, type CentreTab } from '../../store';
import { BatchSummary } from '../components/BatchSummary';
import { DiffView } from '../components/DiffView';
import { ImagePreview } from '../components/ImagePreview';
import { TagInspector } from '../components/TagInspector';

const TABS: { id: CentreTab; label: string }[] = [
  { id: 'preview', label: 'Preview' },
  { id: 'tags', label: 'Tags' },
  { id: 'diff', label: 'Diff' },
  { id: 'summary', label: 'Summary' },
];

/** Preview, tags and diff of the selected instance, and the batch summary. */
export function CentrePane() {
  const { tab, setTab } = useVeilShallow((s) => ({ tab: s.tab, setTab: s.setTab }));
  const onKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0) setTab(TABS[(index + step + TABS.length) % TABS.length]!.id);
  };
  return (
    <section className="app-centre" aria-label="Instance">
      <div className="app-tabs" role="tablist" aria-label="Views" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`app-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="app-tabpanel"
            tabIndex={tab === t.id ? 0 : -1}
            className="app-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
        <InstanceCaption />
      </div>
      <div
        className="app-tabpanel"
        role="tabpanel"
        id="app-tabpanel"
        aria-labelledby={`app-tab-${tab}`}
      >
        {tab === 'summary' ? <SummaryView /> : <InstanceView tab={tab} />}
      </div>
    </section>
  );
}

function InstanceCaption() {
  const file = useVeil((s) =>
    s.inspection.fileId !== null ? s.files.get(s.inspection.fileId) : undefined,
  );
  if (!file?.summary) return null;
  const s = file.summary;
  return (
    <span className="app-caption" title={file.path}>
      {s.modality} · series {s.seriesNumber ?? '?'} · instance {s.instanceNumber ?? '?'}
      {s.frames > 1 ? ` · ${s.frames} frames` : ''}
    </span>
  );
}

function InstanceView({ tab }: { tab: CentreTab }) {
  const inspection = useVeil((s) => s.inspection);
  const file = useVeil((s) =>
    inspection.fileId !== null ? s.files.get(inspection.fileId) : undefined,
  );
  const result = useVeil((s) =>
    inspection.fileId !== null ? s.results.get(inspection.fileId) : undefined,
  );
  const [side, setSide] = useState<'original' | 'output'>('original');

  if (inspection.fileId === null || !file) {
    return <p className="app-empty">Select an instance in the tree to see it here.</p>;
  }
  if (inspection.status === 'loading') return <p className="app-empty">Reading the file…</p>;
  if (inspection.status === 'error') {
    return (
      <p className="app-notice app-notice--error">This file cannot be shown: {inspection.error}</p>
    );
  }
  const risks = file.summary?.burnedInRisks ?? [];

  if (tab === 'preview') {
    return (
      <div className="app-preview">
        <ImagePreview
          file={inspection.original}
          after={result?.ok ? inspection.output : undefined}
          burnedInRisk={risks.length > 0}
          label={`Instance ${file.summary?.instanceNumber ?? file.id}`}
        />
      </div>
    );
  }
  if (tab === 'tags') {
    const output = inspection.outputTags;
    return (
      <div className="app-tags">
        {output && (
          <div className="app-segmented" role="group" aria-label="Which file">
            <button
              type="button"
              aria-pressed={side === 'original'}
              onClick={() => setSide('original')}
            >
              Original
            </button>
            <button
              type="button"
              aria-pressed={side === 'output'}
              onClick={() => setSide('output')}
            >
              De-identified
            </button>
          </div>
        )}
        <TagInspector
          nodes={(side === 'output' && output ? output : inspection.tags) ?? []}
          label={side === 'output' && output ? 'De-identified tags' : 'Tags'}
        />
      </div>
    );
  }
  if (!result)
    return <p className="app-empty">De-identify the files to see what changes in this one.</p>;
  if (!result.ok) {
    return (
      <p className="app-notice app-notice--error">
        This file could not be de-identified and is left out of the export: {result.error.message} [
        {result.error.code}]
      </p>
    );
  }
  return (
    <div className="app-diff">
      {result.risks.length > 0 && (
        <ul className="app-notice app-notice--warning">
          {result.risks.map((risk) => (
            <li key={risk.kind}>{risk.message}</li>
          ))}
        </ul>
      )}
      {inspection.changes ? (
        <DiffView changes={inspection.changes} defaultChangesOnly />
      ) : inspection.outputError ? (
        <p className="app-notice app-notice--error">
          The changes cannot be shown: {inspection.outputError}
        </p>
      ) : (
        <p className="app-empty">Comparing…</p>
      )}
    </div>
  );
}

function SummaryView() {
  const { review, files, results, openInstance, running } = useVeilShallow((s) => ({
    review: s.review,
    files: s.files,
    results: s.results,
    openInstance: s.openInstance,
    running: s.run.status === 'running',
  }));
  if (!review) {
    return (
      <p className="app-empty">
        {running
          ? 'The summary appears when the run ends.'
          : 'De-identify the files to see the batch summary.'}
      </p>
    );
  }
  const done = [...results.values()].filter((r) => r.ok).length;
  const failed = results.size - done;
  return (
    <div className="app-summary-pane">
      {failed > 0 && (
        <p className="app-notice app-notice--error">
          {failed} file{failed === 1 ? '' : 's'} could not be de-identified and{' '}
          {failed === 1 ? 'is' : 'are'} left out of the export (open one from the tree to see why).
        </p>
      )}
      <BatchSummary
        rows={review.tags}
        risks={review.risks}
        totalFiles={done}
        fileName={(id) => files.get(id)?.path ?? `#${id}`}
        onOpenFile={(id) => openInstance(id, 'diff')}
      />
    </div>
  );
}
