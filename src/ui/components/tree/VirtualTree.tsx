import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import './VirtualTree.css';

/** One visible row of a flattened tree. */
export interface TreeRow {
  readonly id: string;
  /** 1 for top-level rows. */
  readonly level: number;
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** The row's parent, for ArrowLeft. */
  readonly parentId?: string | undefined;
  readonly setSize: number;
  readonly posInSet: number;
  readonly selected?: boolean;
  /** The row's accessible name. */
  readonly name: string;
}

export interface VirtualTreeProps<R extends TreeRow> {
  readonly rows: readonly R[];
  readonly label: string;
  /** Fixed row height in px: rows are never measured, so 5,000+ rows cost nothing to lay out. */
  readonly rowHeight: number;
  readonly onToggle: (row: R) => void;
  /** Enter, Space or a click; without it the tree is browse-only. */
  readonly onSelect?: (row: R) => void;
  readonly renderRow: (row: R) => ReactNode;
  /** Brought into view (and made active) whenever it changes. */
  readonly revealId?: string | undefined;
  readonly className?: string;
  /** Shown in place of the rows when there are none. */
  readonly empty?: ReactNode;
}

/**
 * The WAI-ARIA tree pattern over a virtualised list: focus stays on the tree, the active row is its
 * `aria-activedescendant`, and rows carry their level, position and expansion, so the tree reads
 * the same to a screen reader as a nested one. Keys: arrows, Home/End, PageUp/PageDown, Enter/Space.
 */
export function VirtualTree<R extends TreeRow>({
  rows,
  label,
  rowHeight,
  onToggle,
  onSelect,
  renderRow,
  revealId,
  className,
  empty,
}: VirtualTreeProps<R>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const domId = useId();
  const [activeId, setActiveId] = useState<string>();
  const indexById = useMemo(() => new Map(rows.map((row, index) => [row.id, index])), [rows]);

  // The virtualizer is a mutable object by design; nothing here memoises what it returns.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Before the first layout measure (and in jsdom, which has no layout) show a screenful.
    initialRect: { width: 600, height: rowHeight * 20 },
    useFlushSync: false,
  });

  // The active row falls back to the selected row, then the first, when it leaves the tree.
  const activeIndex =
    activeId !== undefined && indexById.has(activeId)
      ? indexById.get(activeId)!
      : Math.max(
          0,
          rows.findIndex((row) => row.selected),
        );
  const active = rows[activeIndex];

  const [revealed, setRevealed] = useState<string>();
  if (revealId !== revealed) {
    setRevealed(revealId);
    if (revealId !== undefined) setActiveId(revealId);
  }
  useEffect(() => {
    if (revealId === undefined) return;
    const index = indexById.get(revealId);
    if (index !== undefined) virtualizer.scrollToIndex(index, { align: 'auto' });
    // Only on a new reveal, not on every change of the rows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealId]);

  const moveTo = (index: number) => {
    const row = rows[Math.min(Math.max(index, 0), rows.length - 1)];
    if (!row) return;
    setActiveId(row.id);
    virtualizer.scrollToIndex(indexById.get(row.id)!, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!active) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / rowHeight) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex - 1);
        break;
      case 'PageDown':
        moveTo(activeIndex + page);
        break;
      case 'PageUp':
        moveTo(activeIndex - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (active.expandable && !active.expanded) onToggle(active);
        else if (active.expandable) moveTo(activeIndex + 1);
        break;
      case 'ArrowLeft':
        if (active.expandable && active.expanded) onToggle(active);
        else if (active.parentId !== undefined) moveTo(indexById.get(active.parentId) ?? 0);
        break;
      case 'Enter':
      case ' ':
        if (onSelect) onSelect(active);
        else if (active.expandable) onToggle(active);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const rowDomId = (index: number) => `${domId}-row-${index}`;
  return (
    <div
      ref={scrollRef}
      className={`veil-vtree${className ? ` ${className}` : ''}`}
      role="tree"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={active ? rowDomId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
    >
      {rows.length === 0 && empty}
      <div className="veil-vtree__space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={row.id}
              id={rowDomId(item.index)}
              role="treeitem"
              aria-level={row.level}
              aria-setsize={row.setSize}
              aria-posinset={row.posInSet}
              aria-expanded={row.expandable ? row.expanded : undefined}
              aria-selected={onSelect ? row.selected === true : undefined}
              aria-label={row.name}
              className={`veil-vtree__row${item.index === activeIndex ? ' veil-vtree__row--active' : ''}${row.selected ? ' veil-vtree__row--selected' : ''}`}
              style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
              onClick={() => {
                setActiveId(row.id);
                if (onSelect) onSelect(row);
                else if (row.expandable) onToggle(row);
              }}
            >
              <span className="veil-vtree__indent" style={{ width: (row.level - 1) * 16 }} />
              {/* The glyph comes from CSS: as text it would be part of the row's visible text. */}
              <span
                className={twistyClass(row)}
                aria-hidden="true"
                onClick={(event) => {
                  if (!row.expandable) return;
                  event.stopPropagation();
                  setActiveId(row.id);
                  onToggle(row);
                }}
              />
              {renderRow(row)}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function twistyClass(row: { readonly expandable: boolean; readonly expanded: boolean }): string {
  if (!row.expandable) return 'veil-vtree__twisty';
  return `veil-vtree__twisty veil-vtree__twisty--${row.expanded ? 'open' : 'closed'}`;
}
