import { IDENTIFIER_KIND_TEXT, type ResidualHit } from '../core/deid/residual';
import type { ChangeKind } from '../core/deid/types';
import { BURNED_IN_RISK_TEXT, type InstanceSummary } from '../core/dicom/parseHeader';
import { parseOutcomes, type ReviewDigest, type TagOutcome } from '../worker/reviewDigest';
import type { BatchReview, FileId, FileResult, ResidualRisk, TagSummary } from './types';

export { tagPathKey } from '../worker/reviewDigest';

/**
 * What de-identification could not vouch for in one file: pixels that may show text, typed text that
 * survived (kept by an option, or only cleaned of the file's own identifiers), private elements kept.
 * The header part comes from the worker's digest of the changes (reviewDigest.ts).
 */
export function residualRisks(
  summary: InstanceSummary | undefined,
  review: ReviewDigest,
  residual: readonly ResidualHit[] = [],
): ResidualRisk[] {
  const risks: ResidualRisk[] = [];
  if (residual.length > 0) {
    // The engine's residual scan: values of the original file itself, found where they survived.
    const kinds = [...new Set(residual.map((hit) => IDENTIFIER_KIND_TEXT[hit.kind]))];
    const paths = [...new Set(residual.map((hit) => hit.path))];
    risks.push({
      kind: 'identifying-values',
      message: `Identifying values of the original (${kinds.join(', ')}) remain in ${paths.length} value${paths.length === 1 ? '' : 's'}: the file is held back from the export until the rule is changed or the review is signed off.`,
      paths,
    });
  }
  if (summary && summary.burnedInRisks.length > 0) {
    risks.push({
      kind: 'burned-in-text',
      message: `The pixels may show text: ${summary.burnedInRisks.map((r) => BURNED_IN_RISK_TEXT[r]).join('; ')}. Look at the image before sharing.`,
      paths: [],
    });
  }
  const { freeText, privateKept } = review;
  if (freeText.length > 0) {
    risks.push({
      kind: 'free-text-kept',
      message: `${freeText.length} text value${freeText.length === 1 ? '' : 's'} kept or only cleaned: check that none names a person.`,
      paths: freeText,
    });
  }
  if (privateKept.length > 0) {
    risks.push({
      kind: 'private-kept',
      message: `${privateKept.length} private element${privateKept.length === 1 ? '' : 's'} kept: their meaning is vendor-defined.`,
      paths: privateKept,
    });
  }
  return risks;
}

interface TagTally {
  readonly keyword: string;
  readonly vr: string;
  readonly files: Partial<Record<ChangeKind, FileId[]>>;
  readonly rules: Set<string>;
}

/**
 * Per tag, which files had it removed, replaced, kept…; and which files carry each residual risk.
 * Files are added as their results arrive, so the work is spread over the run instead of landing
 * in one long task at its end.
 */
export class BatchSummarizer {
  private readonly tags = new Map<string, TagTally>();
  /** Parsed digests by their text: the slices of a series share one, so most files parse nothing. */
  private readonly parsed = new Map<string, TagOutcome[]>();
  private readonly risks: Record<ResidualRisk['kind'], FileId[]> = {
    'identifying-values': [],
    'burned-in-text': [],
    'free-text-kept': [],
    'private-kept': [],
  };

  add(id: FileId, result: FileResult): void {
    if (!result.ok) return;
    for (const risk of result.risks) this.risks[risk.kind].push(id);
    for (const outcome of this.outcomesOf(result.review.outcomes)) {
      let tag = this.tags.get(outcome.path);
      if (!tag) {
        tag = { keyword: outcome.keyword, vr: outcome.vr, files: {}, rules: new Set() };
        this.tags.set(outcome.path, tag);
      }
      const list = (tag.files[outcome.kind] ??= []);
      // One file's outcomes come together, so a repeat can only be the last entry.
      if (list[list.length - 1] !== id) list.push(id);
      tag.rules.add(outcome.rule);
    }
  }

  private outcomesOf(text: string): TagOutcome[] {
    let outcomes = this.parsed.get(text);
    if (!outcomes) {
      // Bounded: a batch of all-different files must not keep every text.
      if (this.parsed.size >= 256) this.parsed.clear();
      outcomes = parseOutcomes(text);
      this.parsed.set(text, outcomes);
    }
    return outcomes;
  }

  result(): BatchReview {
    const tags: TagSummary[] = [...this.tags.entries()].map(([path, tag]) => ({
      path,
      keyword: tag.keyword,
      vr: tag.vr,
      files: Object.fromEntries(Object.entries(tag.files).map(([k, ids]) => [k, [...ids]])),
      rules: [...tag.rules].sort(),
    }));
    tags.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      tags,
      risks: {
        'identifying-values': [...this.risks['identifying-values']],
        'burned-in-text': [...this.risks['burned-in-text']],
        'free-text-kept': [...this.risks['free-text-kept']],
        'private-kept': [...this.risks['private-kept']],
      },
    };
  }
}

export function summarizeBatch(results: ReadonlyMap<FileId, FileResult>): BatchReview {
  const summarizer = new BatchSummarizer();
  for (const [id, result] of results) summarizer.add(id, result);
  return summarizer.result();
}
