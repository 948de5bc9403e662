import { useDeferredValue, useMemo, useState } from 'react';
import type { Change, ChangeKind } from '../../core/deid/types';
import { CHANGE_KINDS, CHANGE_KIND_STYLE, changeKindClass } from './changeKinds';
import { plural } from './format';
import './tokens.css';
import './changeKinds.css';
import './DiffView.css';

export interface Props {
  /** What de-identification did to one instance, element by element. */
  readonly changes: readonly Change[];
  /** Start with kept elements hidden. */
  readonly defaultChangesOnly?: boolean;
  readonly label?: string;
}

const matches = (change: Change, text: string): boolean =>
  [change.path, change.keyword, change.vr, change.before, change.after, change.rule].some(
    (field) => field !== undefined && field.toLowerCase().includes(text),
  );

/**
 * Original and de-identified values side by side, each row marked by what happened (colour, symbol
 * and word) and the rule that fired; a legend with the count of each kind.
 */
export function DiffView({
  changes,
  defaultChangesOnly = false,
  label = 'Tag differences',
}: Props) {
  const [changesOnly, setChangesOnly] = useState(defaultChangesOnly);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);

  const counts = useMemo(() => {
    const byKind = new Map<ChangeKind, number>();
    for (const change of changes) byKind.set(change.kind, (byKind.get(change.kind) ?? 0) + 1);
    return byKind;
  }, [changes]);

  const shown = useMemo(() => {
    const text = deferredQuery.trim().toLowerCase();
    return changes.filter(
      (change) =>
        !(changesOnly && change.kind === 'kept') && (text === '' || matches(change, text)),
    );
  }, [changes, changesOnly, deferredQuery]);

  return (
    <section className="veil-diff" aria-label={label}>
      <div className="veil-diff__bar">
        <label className="veil-diff__check">
          <input
            type="checkbox"
            checked={changesOnly}
            onChange={(event) => setChangesOnly(event.currentTarget.checked)}
          />
          Changes only
        </label>
        <input
          className="veil-input veil-diff__search"
          type="search"
          placeholder="Search tag, keyword, value or rule"
          aria-label="Search changes"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <span className="veil-diff__count" role="status">
          {shown.length === changes.length
            ? plural(changes.length, 'element')
            : `${shown.length.toLocaleString('en')} of ${plural(changes.length, 'element')}`}
        </span>
      </div>
      <ul className="veil-diff__legend" aria-label="Legend">
        {CHANGE_KINDS.map((kind) => (
          <li
            key={kind}
            className={changeKindClass(kind)}
            title={CHANGE_KIND_STYLE[kind].description}
          >
            <KindBadge kind={kind} />
            <span className="veil-diff__legend-count">{counts.get(kind) ?? 0}</span>
          </li>
        ))}
      </ul>
      {/* Focusable, so a keyboard can scroll a long table. */}
      <div
        className="veil-diff__scroll"
        tabIndex={0}
        role="region"
        aria-label={`${label}, scrollable`}
      >
        <table className="veil-diff__table" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Keyword</th>
              <th scope="col">What happened</th>
              <th scope="col">Original</th>
              <th scope="col">De-identified</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((change) => (
              <tr key={`${change.path}|${change.kind}`} className={changeKindClass(change.kind)}>
                <td className="veil-diff__path">{change.path}</td>
                <td className="veil-diff__keyword">
                  {change.keyword || <span className="veil-diff__muted">unknown</span>}
                  <span className="veil-diff__vr">{change.vr}</span>
                </td>
                <td>
                  <KindBadge kind={change.kind} />
                </td>
                <td className="veil-diff__value veil-diff__before">
                  <Value change={change} side="before" />
                </td>
                <td className="veil-diff__value veil-diff__after">
                  <Value change={change} side="after" />
                </td>
                <td className="veil-diff__rule">{change.rule}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && (
          <p className="veil-diff__empty">
            {changes.length === 0 ? 'Nothing to compare yet.' : 'No element matches.'}
          </p>
        )}
      </div>
    </section>
  );
}

function KindBadge({ kind }: { kind: ChangeKind }) {
  const style = CHANGE_KIND_STYLE[kind];
  return (
    <span className="veil-kind-badge">
      <span className="veil-kind-badge__symbol" aria-hidden="true">
        {style.symbol}
      </span>
      {style.label}
    </span>
  );
}

/** Absent and empty values are said in words, so a blank cell never hides what happened. */
function Value({ change, side }: { change: Change; side: 'before' | 'after' }) {
  if (side === 'before') {
    if (change.kind === 'added') return <span className="veil-diff__muted">(absent)</span>;
    return <Text value={change.before} />;
  }
  switch (change.kind) {
    case 'removed':
      return <span className="veil-diff__muted">(removed)</span>;
    case 'emptied':
      return <span className="veil-diff__muted">(empty)</span>;
    case 'kept':
      return <Text value={change.after ?? change.before} />;
    default:
      return <Text value={change.after} />;
  }
}

function Text({ value }: { value: string | undefined }) {
  if (value === undefined) return <span className="veil-diff__muted">(binary)</span>;
  if (value === '') return <span className="veil-diff__muted">(empty)</span>;
  return <span title={value.length > 80 ? value : undefined}>{value}</span>;
}
