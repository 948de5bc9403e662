import type { Change, ChangeKind } from '../core/deid/types';

/**
 * What the batch review needs from one file's changes, made in the worker so that a run sends the
 * page a few kilobytes per file instead of every change with its values (a CT slice has ~115; 600
 * slices cloned, kept and summed on the page cost more than the de-identification). The values
 * stay in the worker; the diff of one file is made again on demand (pool.inspect).
 */
export interface ReviewDigest {
  /**
   * One line per tag path (item numbers dropped), outcome and rule:
   * `path \t keyword \t vr \t kind \t rule`, lines joined by '\n', in order of first appearance.
   * No values. The slices of a series give the same text, so the page parses it once.
   */
  readonly outcomes: string;
  /** Paths of typed text that was kept or only cleaned: it may still name someone. */
  readonly freeText: readonly string[];
  /** Paths of private elements kept (private creators aside). */
  readonly privateKept: readonly string[];
}

/** Text VRs whose value a person typed: kept or only cleaned, they may still name someone. */
const FREE_TEXT_VRS = new Set(['LO', 'LT', 'SH', 'ST', 'UT', 'UC', 'PN']);

/** An odd group: `(0009,…)`, `(0019,…)`. */
const isPrivateTag = (tag: string): boolean => /^\([0-9A-F]{3}[13579BDF],/i.test(tag);

/** `(0040,0275)[0]/(0040,0009)` → `(0040,0275)/(0040,0009)`: one row per tag, whatever the item. */
export const tagPathKey = (path: string): string =>
  path.includes('[') ? path.replace(/\[\d+\]/g, '') : path;

/** Keywords of private elements quote their creator, which the file wrote: no tab or newline may pass. */
const field = (text: string): string =>
  /[\t\n\r]/.test(text) ? text.replace(/[\t\n\r]/g, ' ') : text;

export function digestChanges(changes: readonly Change[]): ReviewDigest {
  const seen = new Set<string>();
  const lines: string[] = [];
  const freeText: string[] = [];
  const privateKept: string[] = [];
  for (const change of changes) {
    const path = tagPathKey(change.path);
    const key = `${path}\t${change.kind}\t${change.rule}`;
    if (!seen.has(key)) {
      seen.add(key);
      lines.push(
        `${path}\t${field(change.keyword)}\t${change.vr}\t${change.kind}\t${field(change.rule)}`,
      );
    }
    if (change.kind !== 'kept' && change.kind !== 'cleaned') continue;
    if (isPrivateTag(change.tag)) {
      if (change.keyword !== 'PrivateCreator') privateKept.push(change.path);
    } else if (
      FREE_TEXT_VRS.has(change.vr) &&
      change.before !== undefined &&
      change.before.trim() !== ''
    ) {
      freeText.push(change.path);
    }
  }
  return { outcomes: lines.join('\n'), freeText, privateKept };
}

/** One parsed line of `ReviewDigest.outcomes`. */
export interface TagOutcome {
  readonly path: string;
  readonly keyword: string;
  readonly vr: string;
  readonly kind: ChangeKind;
  readonly rule: string;
}

export function parseOutcomes(outcomes: string): TagOutcome[] {
  if (outcomes === '') return [];
  return outcomes.split('\n').map((line) => {
    const [path = '', keyword = '', vr = '', kind = 'kept', rule = ''] = line.split('\t');
    return { path, keyword, vr, kind: kind as ChangeKind, rule };
  });
}
