import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState } from 'react';
import type { AuditEntry, AuditEventType } from '../../core/audit';
import { entryDetail, EVENT_LABELS, EVENT_TYPES, eventSummary, localTime } from './auditRows';
import { plural } from './format';
import './AuditLogView.css';

/** The filters as the form holds them: dates as `YYYY-MM-DD` (local), '' for "any". */
export interface AuditFilter {
  readonly from: string;
  readonly to: string;
  readonly type: AuditEventType | '';
  readonly operator: string;
}

export const NO_FILTER: AuditFilter = { from: '', to: '', type: '', operator: '' };

export interface AuditPageData {
  readonly total: number;
  readonly entries: readonly AuditEntry[];
}

export interface AuditLogViewProps {
  /** Entries matching `filter`, newest first, `limit` of them from `offset`. */
  readonly loadPage: (filter: AuditFilter, offset: number, limit: number) => Promise<AuditPageData>;
  /** Every operator name in the log, for the operator filter. */
  readonly operators: readonly string[];
  readonly verdict: {
    readonly ok: boolean;
    readonly text: string;
    readonly count: number;
    readonly checkedAt: number;
  } | null;
  readonly onVerify: () => void;
  readonly onExport: (format: 'json' | 'csv') => void;
  /** Where the log lives, said above the list. */
  readonly storedIn: 'browser' | 'tab';
  /** Bumped when the log gained entries (an export is itself logged): the list reloads. */
  readonly version?: number;
}

/** Rows fetched at once: a screenful or three. */
const PAGE = 100;
const ROW_HEIGHT = 28;

/**
 * The audit log as a person reviews it: filters by date range, event type and operator; a list that
 * scrolls through tens of thousands of entries (only the visible rows exist, and only the pages
 * they fall in are read); the chain verified on request, naming the first bad entry; exports.
 */
export function AuditLogView({
  loadPage,
  operators,
  verdict,
  onVerify,
  onExport,
  storedIn,
  version = 0,
}: AuditLogViewProps) {
  const ids = useId();
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<ReadonlyMap<number, readonly AuditEntry[]>>(new Map());
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // Which filter and log version the pages belong to: answers for an older one are dropped.
  const generation = useRef(0);
  const requested = useRef(new Set<number>());
  const scrollRef = useRef<HTMLDivElement>(null);

  const fetchPage = (page: number, gen: number) => {
    if (requested.current.has(page)) return;
    requested.current.add(page);
    loadPage(filter, page * PAGE, PAGE).then(
      (data) => {
        if (gen !== generation.current) return;
        setTotal(data.total);
        setPages((before) => new Map(before).set(page, data.entries));
      },
      (error: unknown) => {
        if (gen !== generation.current) return;
        setFailed(error instanceof Error ? error.message : 'the log could not be read');
      },
    );
  };

  useEffect(() => {
    const gen = ++generation.current;
    requested.current = new Set();
    setPages(new Map());
    setFailed(null);
    fetchPage(0, gen);
    // fetchPage reads the filter of this render; it changes exactly when these do.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, version, loadPage]);

  // The virtualizer is a mutable object by design; nothing here memoises what it returns.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    initialRect: { width: 800, height: ROW_HEIGHT * 16 },
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const wanted = [...new Set(items.map((item) => Math.floor(item.index / PAGE)))];
  const wantedKey = wanted.join(',');
  useEffect(() => {
    for (const page of wanted) fetchPage(page, generation.current);
    // The pages the visible rows fall in: wantedKey says when they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wantedKey]);

  const entryAt = (index: number): AuditEntry | undefined =>
    pages.get(Math.floor(index / PAGE))?.[index % PAGE];

  const change = (patch: Partial<AuditFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setSelected(null);
    scrollRef.current?.scrollTo({ top: 0 });
  };
  const filtered =
    filter.from !== '' || filter.to !== '' || filter.type !== '' || filter.operator !== '';

  return (
    <div className="veil-audit">
      <form
        className="veil-audit__filters"
        aria-label="Filter the log"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="veil-audit__field">
          <span>From</span>
          <input
            type="date"
            aria-label="From"
            className="veil-input"
            value={filter.from}
            max={filter.to || undefined}
            onChange={(e) => change({ from: e.target.value })}
          />
        </label>
        <label className="veil-audit__field">
          <span>To</span>
          <input
            type="date"
            aria-label="To"
            className="veil-input"
            value={filter.to}
            min={filter.from || undefined}
            onChange={(e) => change({ to: e.target.value })}
          />
        </label>
        <label className="veil-audit__field">
          <span>Event</span>
          <select
            aria-label="Event"
            className="veil-input"
            value={filter.type}
            onChange={(e) => change({ type: e.target.value as AuditEventType | '' })}
          >
            <option value="">All events</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {EVENT_LABELS[type]}
              </option>
            ))}
          </select>
        </label>
        <label className="veil-audit__field">
          <span>Operator</span>
          <select
            aria-label="Operator"
            className="veil-input"
            value={filter.operator}
            onChange={(e) => change({ operator: e.target.value })}
          >
            <option value="">All operators</option>
            {operators.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="veil-button" onClick={() => change(NO_FILTER)}>
            Clear filters
          </button>
        )}
      </form>

      <div className="veil-audit__bar">
        <p className="veil-audit__count" aria-live="polite" data-testid="audit-count">
          {total === null
            ? 'Reading the log…'
            : `${plural(total, 'entry', 'entries')}${filtered ? ' match' : ''}, newest first`}
          {' · '}
          {storedIn === 'browser'
            ? 'kept in this browser, hash-chained'
            : 'kept in this tab only (no stored audit trail)'}
        </p>
        <button type="button" className="veil-button" onClick={onVerify}>
          Verify log
        </button>
        <button type="button" className="veil-button" onClick={() => onExport('json')}>
          Export audit JSON
        </button>
        <button type="button" className="veil-button" onClick={() => onExport('csv')}>
          Export audit CSV
        </button>
      </div>
      {verdict && (
        <p
          role="status"
          data-testid="audit-verdict"
          className={`veil-audit__verdict veil-audit__verdict--${verdict.ok ? 'ok' : 'bad'}`}
        >
          {verdict.ok ? '✓ Verified: ' : '✗ Not verified: '}
          {verdict.text} ({plural(verdict.count, 'entry', 'entries')} checked at{' '}
          {localTime(new Date(verdict.checkedAt).toISOString()).slice(11)})
        </p>
      )}
      {failed && <p className="veil-audit__verdict veil-audit__verdict--bad">{failed}</p>}

      <div
        className="veil-audit__table"
        role="table"
        aria-label="Audit log"
        aria-rowcount={(total ?? 0) + 1}
      >
        <div className="veil-audit__row veil-audit__row--head" role="row" aria-rowindex={1}>
          <span role="columnheader">#</span>
          <span role="columnheader">Time</span>
          <span role="columnheader">Operator</span>
          <span role="columnheader">Event</span>
          <span role="columnheader">Details</span>
        </div>
        {/* Focusable, so a keyboard can scroll the entries. */}
        <div ref={scrollRef} className="veil-audit__scroll" role="rowgroup" tabIndex={0}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const entry = entryAt(item.index);
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={entry !== undefined && selected?.seq === entry.seq}
                  className="veil-audit__row"
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={() => entry && setSelected(entry)}
                >
                  {entry ? (
                    <>
                      <span role="cell" className="veil-audit__seq">
                        {entry.seq}
                      </span>
                      <span role="cell" title={entry.time}>
                        {localTime(entry.time)}
                      </span>
                      <span role="cell" className="veil-audit__operator">
                        {entry.operator}
                      </span>
                      <span role="cell" className="veil-audit__type">
                        {EVENT_LABELS[entry.event.type]}
                      </span>
                      <span role="cell" className="veil-audit__details">
                        {eventSummary(entry.event)}
                      </span>
                    </>
                  ) : (
                    <span role="cell" className="veil-audit__loading">
                      Loading…
                    </span>
                  )}
                </div>
              );
            })}
          </div>
          {total === 0 && (
            <p className="veil-audit__empty">
              {filtered ? 'No entry matches these filters.' : 'The log is empty.'}
            </p>
          )}
        </div>
      </div>

      {selected && (
        <section className="veil-audit__detail" aria-labelledby={`${ids}-detail`}>
          <h3 id={`${ids}-detail`}>Entry {selected.seq}</h3>
          <pre>{entryDetail(selected)}</pre>
        </section>
      )}
    </div>
  );
}
