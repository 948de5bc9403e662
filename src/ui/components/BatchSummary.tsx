import { Fragment, useId, useMemo, useState } from 'react';
import type { ChangeKind } from '../../core/deid/types';
import { CHANGE_KINDS, CHANGE_KIND_STYLE, changeKindClass } from './changeKinds';
import { plural } from './format';
import './tokens.css';
import './changeKinds.css';
import './BatchSummary.css';

/** One tag across the batch (item numbers dropped from its path) and the files per outcome. */
export interface TagSummaryRow<K extends string | number = string> {
  /** `(0010,0010)` or `(0040,0275)/(0040,0009)` */
  readonly path: string;
  readonly keyword: string;
  readonly vr: string;
  /** Files in which this happened to the tag (a file counts once per kind). */
  readonly files: Readonly<Partial<Record<ChangeKind, readonly K[]>>>;
  readonly rules: readonly string[];
}

export type RiskKind = 'identifying-values' | 'burned-in-text' | 'free-text-kept' | 'private-kept';

export interface Props<K extends string | number = string> {
  readonly rows: readonly TagSummaryRow<K>[];
  /** Files carrying each residual risk. */
  readonly risks: Readonly<Record<RiskKind, readonly K[]>>;
  /** Files de-identified in the batch (the denominator of every count). */
  readonly totalFiles: number;
  /** How a file is named in the drill-down lists. */
  readonly fileName: (id: K) => string;
  readonly onOpenFile: (id: K) => void;
}

const RISKS: readonly { kind: RiskKind; symbol: string; text: string; none: string }[] = [
  {
    kind: 'identifying-values',
    symbol: '⛔',
    text: 'still hold identifying values of the original (held back from the export until signed off)',
    none: 'No identifying value of an original file found in the output',
  },
  {
    kind: 'burned-in-text',
    symbol: '⚠',
    text: 'may show burned-in text in the pixels',
    none: 'No file flagged for burned-in text',
  },
  {
    kind: 'free-text-kept',
    symbol: '✎',
    text: 'keep free text (kept or only cleaned)',
    none: 'No free text kept',
  },
  {
    kind: 'private-kept',
    symbol: '◆',
    text: 'keep private elements',
    none: 'No private element kept',
  },
];

/** The longest drill-down list drawn at once; the rest is counted. */
const LIST_LIMIT = 500;

type Drill =
  | { readonly kind: 'risk'; readonly risk: RiskKind }
  | { readonly kind: 'tag'; readonly path: string; readonly change: ChangeKind };

/**
 * The batch at a glance for the privacy officer: residual risks first, then per tag how many files
 * had it removed, replaced, kept…, each count opening the list of those files.
 */
export function BatchSummary<K extends string | number>({
  rows,
  risks,
  totalFiles,
  fileName,
  onOpenFile,
}: Props<K>) {
  const [drill, setDrill] = useState<Drill>();
  const [changedOnly, setChangedOnly] = useState(true);
  const [query, setQuery] = useState('');
  const ids = useId();

  const shown = useMemo(() => {
    const text = query.trim().toLowerCase();
    return rows.filter(
      (row) =>
        (!changedOnly ||
          CHANGE_KINDS.some((k) => k !== 'kept' && (row.files[k]?.length ?? 0) > 0)) &&
        (text === '' ||
          row.path.toLowerCase().includes(text) ||
          row.keyword.toLowerCase().includes(text) ||
          row.rules.some((rule) => rule.toLowerCase().includes(text))),
    );
  }, [rows, changedOnly, query]);

  const toggle = (next: Drill) =>
    setDrill((current) => (JSON.stringify(current) === JSON.stringify(next) ? undefined : next));
  const riskListId = `${ids}-risk`;

  return (
    <section className="veil-summary" aria-label="Batch summary">
      <section className="veil-summary__risks" aria-label="Residual risks">
        {RISKS.map(({ kind, symbol, text, none }) => {
          const files = risks[kind];
          const open = drill?.kind === 'risk' && drill.risk === kind;
          return (
            <button
              key={kind}
              type="button"
              className={`veil-summary__risk${files.length > 0 ? ' veil-summary__risk--on' : ''}`}
              disabled={files.length === 0}
              aria-expanded={files.length > 0 ? open : undefined}
              aria-controls={open ? riskListId : undefined}
              onClick={() => toggle({ kind: 'risk', risk: kind })}
            >
              <span aria-hidden="true">{files.length > 0 ? symbol : '✓'}</span>{' '}
              {files.length > 0 ? `${plural(files.length, 'file')} ${text}` : none}
            </button>
          );
        })}
      </section>
      {drill?.kind === 'risk' && (
        <FileList
          id={riskListId}
          title={`Files that ${RISKS.find((r) => r.kind === drill.risk)!.text}`}
          files={risks[drill.risk]}
          fileName={fileName}
          onOpenFile={onOpenFile}
        />
      )}

      <div className="veil-summary__bar">
        <label className="veil-summary__check">
          <input
            type="checkbox"
            checked={changedOnly}
            onChange={(event) => setChangedOnly(event.currentTarget.checked)}
          />
          Changed tags only
        </label>
        <input
          className="veil-input"
          type="search"
          placeholder="Search tag, keyword or rule"
          aria-label="Search the summary"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <span className="veil-summary__count">
          {plural(shown.length, 'tag')} · {plural(totalFiles, 'file')} de-identified
        </span>
      </div>

      <div className="veil-summary__scroll">
        <table className="veil-summary__table" aria-label="Outcome per tag">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Keyword</th>
              {CHANGE_KINDS.map((kind) => (
                <th
                  key={kind}
                  scope="col"
                  className={`${changeKindClass(kind)} veil-summary__kind-col`}
                >
                  <span className="veil-summary__kind-head">
                    <span aria-hidden="true">{CHANGE_KIND_STYLE[kind].symbol}</span>
                    {CHANGE_KIND_STYLE[kind].label}
                  </span>
                </th>
              ))}
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const open = drill?.kind === 'tag' && drill.path === row.path ? drill : undefined;
              const listId = `${ids}-${row.path}`;
              return (
                <Fragment key={row.path}>
                  <tr>
                    <th scope="row" className="veil-summary__path">
                      {breakable(row.path)}
                    </th>
                    <td className="veil-summary__keyword" title={row.keyword || undefined}>
                      {row.keyword || <span className="veil-summary__muted">unknown</span>}
                    </td>
                    {CHANGE_KINDS.map((kind) => {
                      const files = row.files[kind] ?? [];
                      if (files.length === 0) {
                        return (
                          <td key={kind} className="veil-summary__zero">
                            ·
                          </td>
                        );
                      }
                      const label = `${CHANGE_KIND_STYLE[kind].label} in ${plural(files.length, 'file')}: ${row.path} ${row.keyword}`;
                      return (
                        <td key={kind} className={changeKindClass(kind)}>
                          <button
                            type="button"
                            className="veil-summary__count-button"
                            aria-label={label}
                            aria-expanded={open?.change === kind}
                            aria-controls={open?.change === kind ? listId : undefined}
                            onClick={() => toggle({ kind: 'tag', path: row.path, change: kind })}
                          >
                            {files.length.toLocaleString('en')}
                          </button>
                        </td>
                      );
                    })}
                    <td className="veil-summary__rules">{row.rules.join('; ')}</td>
                  </tr>
                  {open && (
                    <tr className="veil-summary__drill">
                      <td colSpan={CHANGE_KINDS.length + 3}>
                        <FileList
                          id={listId}
                          title={`${CHANGE_KIND_STYLE[open.change].label}: ${row.path} ${row.keyword}`}
                          files={row.files[open.change] ?? []}
                          fileName={fileName}
                          onOpenFile={onOpenFile}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {shown.length === 0 && (
          <p className="veil-summary__muted veil-summary__empty">
            {rows.length === 0 ? 'Run de-identification to see the summary.' : 'No tag matches.'}
          </p>
        )}
      </div>
    </section>
  );
}

/** A nested tag path may wrap after each `/` (and nowhere inside a tag). */
function breakable(path: string) {
  const steps = path.split('/');
  return steps.map((step, i) => (
    <Fragment key={i}>
      {i > 0 && (
        <>
          /<wbr />
        </>
      )}
      {step}
    </Fragment>
  ));
}

function FileList<K extends string | number>({
  id,
  title,
  files,
  fileName,
  onOpenFile,
}: {
  id: string;
  title: string;
  files: readonly K[];
  fileName: (id: K) => string;
  onOpenFile: (id: K) => void;
}) {
  return (
    <div className="veil-summary__files" id={id}>
      <p className="veil-summary__files-title">{title}</p>
      <ul aria-label={title}>
        {files.slice(0, LIST_LIMIT).map((file) => (
          <li key={file}>
            <button type="button" className="veil-summary__file" onClick={() => onOpenFile(file)}>
              {fileName(file)}
            </button>
          </li>
        ))}
      </ul>
      {files.length > LIST_LIMIT && (
        <p className="veil-summary__muted">
          and {plural(files.length - LIST_LIMIT, 'more file')} (search narrows the list)
        </p>
      )}
    </div>
  );
}
