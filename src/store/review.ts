import type { Change, ChangeKind } from '../core/deid/types';
import { BURNED_IN_RISK_TEXT, type InstanceSummary } from '../core/dicom/parseHeader';
import type { BatchReview, FileId, FileResult, ResidualRisk, TagSummary } from './types';

/** Text VRs whose value a person typed: kept or only cleaned, they may still name someone. */
const FREE_TEXT_VRS = new Set(['LO', 'LT', 'SH', 'ST', 'UT', 'UC', 'PN']);

const isPrivatePath = (tag: string): boolean => /^\([0-9A-F]{3}[13579BDF],/i.test(tag);

/**
 * What de-identification could not vouch for in one file: pixels that may show text, typed text that
 * survived (kept by an option, or only cleaned of the file's own identifiers), private elements kept.
 */
export function residualRisks(
  summary: InstanceSummary | undefined,
  changes: readonly Change[],
): ResidualRisk[] {
  const risks: ResidualRisk[] = [];
  if (summary && summary.burnedInRisks.length > 0) {
    risks.push({
      kind: 'burned-in-text',
      message: `The pixels may show text: ${summary.burnedInRisks.map((r) => BURNED_IN_RISK_TEXT[r]).join('; ')}. Look at the image before sharing.`,
      paths: [],
    });
  }
  const freeText: string[] = [];
  const privateKept: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'kept' && change.kind !== 'cleaned') continue;
    if (isPrivatePath(change.tag)) {
      if (change.keyword !== 'PrivateCreator') privateKept.push(change.path);
      continue;
    }
    if (
      FREE_TEXT_VRS.has(change.vr) &&
      change.before !== undefined &&
      change.before.trim() !== ''
    ) {
      freeText.push(change.path);
    }
  }
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

/** `(0040,0275)[0]/(0040,0009)` → `(0040,0275)/(0040,0009)`: one row per tag, whatever the item. */
export const tagPathKey = (path: string): string =>
  path.includes('[') ? path.replace(/\[\d+\]/g, '') : path;

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
  private readonly risks: Record<ResidualRisk['kind'], FileId[]> = {
    'burned-in-text': [],
    'free-text-kept': [],
    'private-kept': [],
  };

  add(id: FileId, result: FileResult): void {
    if (!result.ok) return;
    for (const risk of result.risks) this.risks[risk.kind].push(id);
    for (const change of result.changes) {
      const path = tagPathKey(change.path);
      let tag = this.tags.get(path);
      if (!tag) {
        tag = { keyword: change.keyword, vr: change.vr, files: {}, rules: new Set() };
        this.tags.set(path, tag);
      }
      const list = (tag.files[change.kind] ??= []);
      // One file's changes come together, so a repeat can only be the last entry.
      if (list[list.length - 1] !== id) list.push(id);
      tag.rules.add(change.rule);
    }
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
