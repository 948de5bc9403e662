import { useMemo, useState } from 'react';
import { buildPlan } from '../../core/deid/plan';
import { deidentify } from '../../core/deid/deidentify';
import { defaultProfile } from '../../core/deid/profile';
import { createProjectKey } from '../../core/deid/projectKey';
import type { Profile } from '../../core/deid/types';
import { inspectElements } from '../../core/dicom/inspect';
import { BatchSummary, type TagSummaryRow } from '../components/BatchSummary';
import { DiffView } from '../components/DiffView';
import { ProgressBar } from '../components/ProgressBar';
import { RulesPanel } from '../components/RulesPanel';
import { StudyTree, type TreeNode } from '../components/StudyTree';
import { TagInspector } from '../components/TagInspector';

/**
 * Every component on one page, fed from one real file (de-identified here by core), for
 * e2e/preview.spec.ts to screenshot in Chromium under the app's CSP. Not shipped.
 */
export function Gallery({ bytes, name }: { bytes: Uint8Array; name: string }) {
  const [profile, setProfile] = useState<Profile>(defaultProfile());
  const [selected, setSelected] = useState<string>();
  const data = useMemo(() => {
    const nodes = inspectElements(bytes, name);
    const key = createProjectKey(new Uint8Array(32).fill(7));
    const result = deidentify(bytes, buildPlan(defaultProfile()), { fileName: name, key });
    const changes = result.ok ? result.changes : [];
    const rows: TagSummaryRow<number>[] = changes.map((c) => ({
      path: c.path.replace(/\[\d+\]/g, ''),
      keyword: c.keyword,
      vr: c.vr,
      files: { [c.kind]: [0, 1, 2] },
      rules: [c.rule],
    }));
    return { nodes, changes, rows };
  }, [bytes, name]);

  return (
    <div style={{ display: 'grid', gap: 16 }}>
      <section data-testid="gallery-tree" style={{ height: 320 }}>
        <StudyTree
          nodes={TREE}
          selectedId={selected}
          onSelect={setSelected}
          skipped={[{ id: 'x', name: 'notes.txt', reason: 'not DICOM: no DICM prefix' }]}
        />
      </section>
      <section data-testid="gallery-tags" style={{ height: 360 }}>
        <TagInspector nodes={data.nodes} />
      </section>
      <section data-testid="gallery-diff" style={{ height: 420 }}>
        <DiffView changes={data.changes} />
      </section>
      <section data-testid="gallery-summary" style={{ height: 360 }}>
        <BatchSummary<number>
          rows={data.rows}
          risks={{
            'identifying-values': [2],
            'burned-in-text': [1],
            'free-text-kept': [0, 2],
            'private-kept': [],
          }}
          totalFiles={3}
          fileName={(id) => `file ${id + 1}.dcm`}
          onOpenFile={() => undefined}
        />
      </section>
      <section data-testid="gallery-progress">
        <ProgressBar
          filesDone={150}
          filesTotal={600}
          bytesDone={80 << 20}
          bytesTotal={320 << 20}
          elapsedMs={30_000}
          failed={2}
          onCancel={() => undefined}
        />
      </section>
      <section data-testid="gallery-rules" style={{ width: 420 }}>
        <RulesPanel
          profile={profile}
          onChange={setProfile}
          keyFingerprint="0123456789abcdef"
          onGenerateKey={() => undefined}
          onImportKey={() => undefined}
          onExportKey={() => undefined}
          onImportPseudonymTable={() => undefined}
          onSaveProfile={() => undefined}
          onExportProfile={() => undefined}
          onImportProfile={() => undefined}
        />
      </section>
    </div>
  );
}

const TREE: TreeNode[] = [
  {
    id: 'p1',
    kind: 'patient',
    label: 'ANON-7F3A',
    details: { extra: 'F · 1961' },
    children: [
      {
        id: 's1',
        kind: 'study',
        label: 'CT chest',
        details: { date: '20040119', description: 'Thorax with contrast' },
        children: [
          {
            id: 'se1',
            kind: 'series',
            label: '2',
            details: { modality: 'CT', description: 'Axial 1.25 mm' },
            children: Array.from({ length: 5000 }, (_, i) => ({
              id: `se1/${i}`,
              kind: 'instance' as const,
              label: `#${i + 1}`,
              ...(i === 1
                ? { flags: ['failed' as const] }
                : i === 0
                  ? { flags: ['deidentified' as const] }
                  : {}),
            })),
          },
          {
            id: 'se2',
            kind: 'series',
            label: '901',
            details: { modality: 'SC', description: 'Dose report screen capture' },
            flags: ['burned-in-risk'],
            children: [{ id: 'se2/0', kind: 'instance', label: '#1', flags: ['burned-in-risk'] }],
          },
        ],
      },
    ],
  },
];
