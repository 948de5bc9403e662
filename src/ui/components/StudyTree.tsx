import { useMemo, useState } from 'react';
import { formatDicomDate, plural } from './format';
import { flattenStudyTree, type StudyRow } from './studyTreeRows';
import { VirtualTree } from './tree/VirtualTree';
import './tokens.css';
import './StudyTree.css';

export type TreeNodeKind = 'patient' | 'study' | 'series' | 'instance';

/**
 * - `burned-in-risk`: the pixels may show text (BurnedInAnnotation YES, US, SC, screen capture…).
 * - `deidentified` / `failed`: the outcome of the last run for an instance.
 */
export type TreeFlag = 'burned-in-risk' | 'deidentified' | 'failed';

export interface TreeDetails {
  readonly modality?: string;
  /** DICOM DA (`20040119`) or any display text. */
  readonly date?: string;
  readonly description?: string;
  /** Anything else worth a glance (patient ID, instance number…), shown muted. */
  readonly extra?: string;
}

export interface TreeNode {
  /** Unique in the whole tree; what `selectedId` and `onSelect` speak. */
  readonly id: string;
  readonly kind: TreeNodeKind;
  readonly label: string;
  readonly details?: TreeDetails;
  readonly children?: readonly TreeNode[];
  readonly flags?: readonly TreeFlag[];
}

export interface SkippedFile {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export interface Props {
  readonly nodes: readonly TreeNode[];
  readonly selectedId?: string | undefined;
  readonly onSelect: (id: string, node: TreeNode) => void;
  /** Non-DICOM (or unusable) files, listed under the tree with their reason. */
  readonly skipped?: readonly SkippedFile[];
  /** Levels open by default; a person's own opening and closing always wins. */
  readonly defaultExpanded?: readonly TreeNodeKind[];
  readonly label?: string;
}

const DEFAULT_EXPANDED: readonly TreeNodeKind[] = ['patient', 'study'];
const ROW_HEIGHT = 26;

/** Patient → Study → Series → Instance, virtualised: 5,000+ instances scroll as smoothly as ten. */
export function StudyTree({
  nodes,
  selectedId,
  onSelect,
  skipped = [],
  defaultExpanded = DEFAULT_EXPANDED,
  label = 'Studies',
}: Props) {
  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());

  // A selection made elsewhere (the summary's drill-down, say) opens the branches that hold it.
  const [revealed, setRevealed] = useState<string>();
  if (selectedId !== revealed) {
    setRevealed(selectedId);
    const path = selectedId === undefined ? undefined : ancestorsOf(nodes, selectedId);
    if (path && path.some((id) => toggled.get(id) === false || !toggled.has(id))) {
      const next = new Map(toggled);
      for (const id of path) next.set(id, true);
      setToggled(next);
    }
  }

  const rows = useMemo(
    () => flattenStudyTree(nodes, { toggled, defaultExpanded, selectedId }),
    [nodes, toggled, defaultExpanded, selectedId],
  );

  const toggle = (row: StudyRow) =>
    setToggled((previous) => new Map(previous).set(row.id, !row.expanded));

  return (
    <div className="veil-study-tree">
      <VirtualTree
        rows={rows}
        label={label}
        rowHeight={ROW_HEIGHT}
        onToggle={toggle}
        onSelect={(row) => onSelect(row.id, row.node)}
        revealId={selectedId}
        renderRow={(row) => <StudyRowContent row={row} />}
        empty={<p className="veil-study-tree__empty">No studies yet.</p>}
      />
      {skipped.length > 0 && <SkippedList skipped={skipped} />}
    </div>
  );
}

function StudyRowContent({ row }: { row: StudyRow }) {
  const { node } = row;
  const details = node.details ?? {};
  const risk = node.flags?.includes('burned-in-risk');
  // The accessible name (studyTreeRows.ts accessibleName) is these texts in this order: what a
  // screen reader says is what the row shows. The spaces between them keep the words apart in the
  // row's text (a flex row does not lay them out).
  return (
    <>
      <span className={`veil-study-tree__kind veil-study-tree__kind--${node.kind}`}>
        {KIND_LABEL[node.kind]}
      </span>{' '}
      {/* title: the whole text where the row is too narrow for it */}
      <span className="veil-study-tree__label" title={node.label}>
        {node.label}
      </span>{' '}
      {details.modality && <span className="veil-study-tree__modality">{details.modality}</span>}{' '}
      {details.date && (
        <span className="veil-study-tree__date">{formatDicomDate(details.date)}</span>
      )}{' '}
      {details.description && (
        <span className="veil-study-tree__description" title={details.description}>
          {details.description}
        </span>
      )}{' '}
      {details.extra && (
        <span className="veil-study-tree__extra" title={details.extra}>
          {details.extra}
        </span>
      )}{' '}
      <span className="veil-study-tree__spacer" />
      {row.count && <span className="veil-study-tree__count">{row.count}</span>}{' '}
      {risk && (
        <span
          className="veil-study-tree__badge veil-study-tree__badge--risk"
          title="The pixels may show identifying text: check the image before sharing"
        >
          Burned-in text risk
        </span>
      )}{' '}
      {node.flags?.includes('failed') && (
        <span className="veil-study-tree__badge veil-study-tree__badge--failed">Failed</span>
      )}{' '}
      {node.flags?.includes('deidentified') && (
        <span className="veil-study-tree__badge veil-study-tree__badge--done">De-identified</span>
      )}
    </>
  );
}

const KIND_LABEL: Readonly<Record<TreeNodeKind, string>> = {
  patient: 'Patient',
  study: 'Study',
  series: 'Series',
  instance: 'Image',
};

function SkippedList({ skipped }: { skipped: readonly SkippedFile[] }) {
  return (
    <details className="veil-study-tree__skipped">
      <summary>
        {plural(skipped.length, 'file')} skipped: not images Veil can read (why, below)
      </summary>
      <ul aria-label="Skipped files">
        {skipped.map((file) => (
          <li key={file.id}>
            <span className="veil-study-tree__skipped-name">{file.name}</span>
            <span className="veil-study-tree__skipped-reason">{file.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function ancestorsOf(nodes: readonly TreeNode[], id: string): string[] | undefined {
  for (const node of nodes) {
    if (node.id === id) return [];
    if (node.children) {
      const below = ancestorsOf(node.children, id);
      if (below) return [node.id, ...below];
    }
  }
  return undefined;
}
