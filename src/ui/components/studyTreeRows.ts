import { formatDicomDate, plural } from './format';
import type { TreeNode, TreeNodeKind } from './StudyTree';
import type { TreeRow } from './tree/VirtualTree';

export interface StudyRow extends TreeRow {
  readonly node: TreeNode;
  /** `3 series · 40 images`; undefined for instances. */
  readonly count: string | undefined;
}

export interface FlattenOptions {
  /** Rows a person opened (true) or closed (false); the rest follow `defaultExpanded`. */
  readonly toggled: ReadonlyMap<string, boolean>;
  readonly defaultExpanded: readonly TreeNodeKind[];
  readonly selectedId: string | undefined;
}

// Nodes are immutable props: their instance counts can be cached for as long as they live.
const instanceCounts = new WeakMap<TreeNode, number>();

function instancesUnder(node: TreeNode): number {
  if (node.kind === 'instance') return 1;
  let count = instanceCounts.get(node);
  if (count === undefined) {
    count = (node.children ?? []).reduce((sum, child) => sum + instancesUnder(child), 0);
    instanceCounts.set(node, count);
  }
  return count;
}

const CHILD_NOUN: Partial<Record<TreeNodeKind, string>> = { patient: 'study', study: 'series' };

function countText(node: TreeNode): string | undefined {
  if (node.kind === 'instance') return undefined;
  const images = plural(instancesUnder(node), 'image');
  const noun = CHILD_NOUN[node.kind];
  if (noun === undefined) return images;
  const children = node.children?.length ?? 0;
  return `${plural(children, noun, noun === 'study' ? 'studies' : noun)} · ${images}`;
}

function accessibleName(node: TreeNode, count: string | undefined): string {
  const d = node.details ?? {};
  return [
    `${node.kind === 'instance' ? 'Image' : node.kind[0]!.toUpperCase() + node.kind.slice(1)} ${node.label}`,
    d.modality,
    d.date ? formatDicomDate(d.date) : undefined,
    d.description,
    d.extra,
    count,
    node.flags?.includes('burned-in-risk') ? 'burned-in text risk' : undefined,
    node.flags?.includes('failed') ? 'failed' : undefined,
    node.flags?.includes('deidentified') ? 'de-identified' : undefined,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(', ');
}

/** The visible rows, depth first, of the expanded part of the tree. */
export function flattenStudyTree(
  nodes: readonly TreeNode[],
  { toggled, defaultExpanded, selectedId }: FlattenOptions,
): StudyRow[] {
  const rows: StudyRow[] = [];
  const walk = (list: readonly TreeNode[], level: number, parentId: string | undefined) => {
    list.forEach((node, index) => {
      const expandable = (node.children?.length ?? 0) > 0;
      const expanded = expandable && (toggled.get(node.id) ?? defaultExpanded.includes(node.kind));
      const count = countText(node);
      rows.push({
        id: node.id,
        level,
        expandable,
        expanded,
        parentId,
        setSize: list.length,
        posInSet: index + 1,
        selected: node.id === selectedId,
        name: accessibleName(node, count),
        node,
        count,
      });
      if (expanded) walk(node.children!, level + 1, node.id);
    });
  };
  walk(nodes, 1, undefined);
  return rows;
}
