import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { InspectNode } from '../../core/dicom/inspect';
import { plural } from './format';
import { describeKeyword, flattenTags, privateBlock, type TagRow } from './tagInspectorRows';
import { VirtualTree } from './tree/VirtualTree';
import './tokens.css';
import './TagInspector.css';

export interface Props {
  /** From `inspectElements` (src/core/dicom/inspect.ts). */
  readonly nodes: readonly InspectNode[];
  readonly label?: string;
}

const ROW_HEIGHT = 24;
// The tag column absorbs the tree's indent (16 px a level), so the other columns stay aligned
// down to the fourth level of nesting.
const TAG_COLUMN = 150;
const tagColumnWidth = (level: number): number => Math.max(96, TAG_COLUMN - (level - 1) * 16);

/**
 * Every element of a file: nested sequences open item by item, private elements show the creator of
 * their block, and a search by tag, keyword or value narrows the list to the matches and the
 * sequences that hold them. Virtualised: a file of 20,000 elements scrolls like one of twenty.
 */
export function TagInspector({ nodes, label = 'Tags' }: Props) {
  const [query, setQuery] = useState('');
  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());
  // Typing stays responsive on huge files: the list catches up when React has time.
  const deferredQuery = useDeferredValue(query);
  const searchId = useId();
  const { rows, matches, total } = useMemo(
    () => flattenTags(nodes, { toggled, query: deferredQuery }),
    [nodes, toggled, deferredQuery],
  );
  const searching = deferredQuery.trim() !== '';

  return (
    <section className="veil-tags" aria-label={label}>
      <div className="veil-tags__bar">
        <input
          id={searchId}
          className="veil-input veil-tags__search"
          type="search"
          placeholder="Search tag, keyword or value"
          aria-label="Search tags"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <span className="veil-tags__count" role="status">
          {searching
            ? `${plural(matches, 'element')} of ${total.toLocaleString('en')} match`
            : plural(total, 'element')}
        </span>
      </div>
      <div className="veil-tags__head" aria-hidden="true">
        <span className="veil-tags__col-tag" style={{ width: TAG_COLUMN }}>
          Tag
        </span>
        <span className="veil-tags__col-keyword">Keyword</span>
        <span className="veil-tags__col-vr">VR</span>
        <span className="veil-tags__col-length">Length</span>
        <span className="veil-tags__col-value">Value</span>
      </div>
      <VirtualTree
        rows={rows}
        label={`${label} of this file`}
        rowHeight={ROW_HEIGHT}
        onToggle={(row) => setToggled((previous) => new Map(previous).set(row.id, !row.expanded))}
        renderRow={(row) => <TagRowContent row={row} />}
        empty={
          <p className="veil-tags__empty">
            {searching ? 'No element matches the search.' : 'No elements.'}
          </p>
        }
      />
    </section>
  );
}

function TagRowContent({ row }: { row: TagRow }) {
  if (row.kind === 'item') {
    return (
      <span className="veil-tags__item">
        Item {row.index + 1}
        <span className="veil-tags__muted"> · {plural(row.size, 'element')}</span>
      </span>
    );
  }
  const { node } = row;
  const block = privateBlock(node.tag);
  const isCreator = node.keyword === 'PrivateCreator';
  // The spaces keep the words apart in the row's text (a flex row does not lay them out); its
  // accessible name is made in tagInspectorRows.ts.
  return (
    <>
      <span className="veil-tags__col-tag" style={{ width: tagColumnWidth(row.level) }}>
        <span className={row.match ? 'veil-tags__match' : undefined}>{node.tag}</span>
      </span>{' '}
      <span className="veil-tags__col-keyword">
        {describeKeyword(node)}{' '}
        {block !== undefined && (
          <span className="veil-tags__private" title={`Private block ${block}`}>
            {isCreator ? `block ${block}` : (node.privateCreator ?? 'no creator')}
          </span>
        )}
      </span>{' '}
      <span className="veil-tags__col-vr">{node.vr}</span>{' '}
      <span className="veil-tags__col-length">{node.length.toLocaleString('en')}</span>{' '}
      <span className="veil-tags__col-value" title={node.value}>
        {node.value ?? <span className="veil-tags__muted">(empty)</span>}
      </span>
    </>
  );
}
