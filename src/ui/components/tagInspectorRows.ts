import type { InspectNode } from '../../core/dicom/inspect';
import type { TreeRow } from './tree/VirtualTree';

export type TagRow =
  | (TreeRow & { readonly kind: 'element'; readonly node: InspectNode; readonly match: boolean })
  | (TreeRow & { readonly kind: 'item'; readonly index: number; readonly size: number });

/**
 * Does an element match the search? Tags match in any of the usual spellings (`(0010,0010)`,
 * `0010,0010`, `00100010`, or a part like `0010,00`); keywords, private creators and values match
 * case-insensitively anywhere.
 */
export function matcher(query: string): ((node: InspectNode) => boolean) | undefined {
  const text = query.trim().toLowerCase();
  if (text === '') return undefined;
  const looksLikeTag = /^[()0-9a-f, ]+$/.test(text) && /[0-9a-f]{4}/.test(text);
  const hex = text.replace(/[^0-9a-f]/g, '');
  return (node) =>
    (looksLikeTag &&
      node.tag
        .replace(/[^0-9A-F]/g, '')
        .toLowerCase()
        .includes(hex)) ||
    node.tag.toLowerCase().includes(text) ||
    node.keyword.toLowerCase().includes(text) ||
    (node.privateCreator?.toLowerCase().includes(text) ?? false) ||
    (node.value?.toLowerCase().includes(text) ?? false);
}

/** Block byte of a private element or creator: (0009,1001) and (0009,0010) are both block 10. */
export function privateBlock(tag: string): string | undefined {
  const match = /^\(([0-9A-F]{4}),([0-9A-F]{2})([0-9A-F]{2})\)$/.exec(tag);
  if (!match || parseInt(match[1]!, 16) % 2 === 0) return undefined;
  return match[2] === '00' ? match[3] : match[2];
}

export function describeKeyword(node: InspectNode): string {
  if (node.keyword === 'PrivateCreator') return 'Private creator';
  if (node.keyword !== '') return node.keyword;
  if (privateBlock(node.tag) !== undefined) return 'Private';
  return 'Unknown';
}

const elementName = (node: InspectNode): string =>
  [
    `${node.tag} ${describeKeyword(node)}`,
    node.privateCreator !== undefined && node.keyword !== 'PrivateCreator'
      ? `creator ${node.privateCreator}`
      : undefined,
    node.vr,
    node.value ?? 'empty',
  ]
    .filter((part) => part !== undefined)
    .join(', ');

export interface FlattenOptions {
  /** Rows a person opened or closed; sequences start closed, their items open. */
  readonly toggled: ReadonlyMap<string, boolean>;
  readonly query: string;
}

export interface Flattened {
  readonly rows: TagRow[];
  /** Elements matching the search (all elements when there is none). */
  readonly matches: number;
  readonly total: number;
}

/**
 * The visible rows. While searching, only matches and the sequences and items that lead to them are
 * listed, opened whatever their toggled state.
 */
export function flattenTags(nodes: readonly InspectNode[], options: FlattenOptions): Flattened {
  const match = matcher(options.query);
  const rows: TagRow[] = [];
  let matches = 0;
  let total = 0;

  // Whether a node or anything under it matches (memoised per call: a search walks each node once).
  const hits = new Map<InspectNode, boolean>();
  const hasHit = (node: InspectNode): boolean => {
    let hit = hits.get(node);
    if (hit === undefined) {
      hit = match!(node) || (node.children ?? []).some((item) => item.some(hasHit));
      hits.set(node, hit);
    }
    return hit;
  };

  const countAll = (list: readonly InspectNode[]) => {
    for (const node of list) {
      total++;
      if (match?.(node)) matches++;
      node.children?.forEach(countAll);
    }
  };
  countAll(nodes);
  if (!match) matches = total;

  const walk = (list: readonly InspectNode[], level: number, parentId: string | undefined) => {
    const shown = match ? list.filter(hasHit) : list;
    shown.forEach((node, index) => {
      const items = node.children ?? [];
      const expandable = items.length > 0;
      const expanded = expandable && (match ? true : (options.toggled.get(node.path) ?? false));
      rows.push({
        kind: 'element',
        id: node.path,
        level,
        expandable,
        expanded,
        parentId,
        setSize: shown.length,
        posInSet: index + 1,
        name: elementName(node),
        node,
        match: match?.(node) ?? false,
      });
      if (!expanded) return;
      const shownItems = items
        .map((elements, itemIndex) => ({ elements, itemIndex }))
        .filter(({ elements }) => !match || elements.some(hasHit));
      shownItems.forEach(({ elements, itemIndex }, position) => {
        const id = `${node.path}[${itemIndex}]`;
        const itemOpen = elements.length > 0 && (match ? true : (options.toggled.get(id) ?? true));
        rows.push({
          kind: 'item',
          id,
          level: level + 1,
          expandable: elements.length > 0,
          expanded: itemOpen,
          parentId: node.path,
          setSize: shownItems.length,
          posInSet: position + 1,
          name: `Item ${itemIndex + 1} of ${node.tag}, ${elements.length} element${elements.length === 1 ? '' : 's'}`,
          index: itemIndex,
          size: elements.length,
        });
        if (itemOpen) walk(elements, level + 2, id);
      });
    });
  };
  walk(nodes, 1, undefined);
  return { rows, matches, total };
}
