import { lookupKeyword, lookupTag } from '../dicom/dictionary';
import {
  elementOf,
  groupOf,
  isPrivateCreatorTag,
  isPrivateTag,
  makeTag,
  parseTag,
} from '../dicom/tag';
import type { Tag } from '../dicom/tag';
import type { CustomAction, CustomRule } from './types';

export const CUSTOM_ACTIONS: readonly CustomAction[] = [
  'keep',
  'remove',
  'empty',
  'replace',
  'hash',
  'shift',
];
const RULE_FIELDS = ['tag', 'creator', 'action', 'value', 'days', 'note'] as const;

/** 100 years either way: anything larger is a typo, and would push dates out of the DA range. */
export const MAX_SHIFT_DAYS = 36_500;

/** What a rule's `tag` designates once resolved. */
export type RuleTarget =
  | { readonly kind: 'standard'; readonly tag: Tag }
  /** Element `xxEE` of the block reserved by `creator` in odd group `group`, wherever it sits. */
  | {
      readonly kind: 'private';
      readonly group: number;
      readonly elementByte: number;
      readonly creator: string;
    };

// `(0019,xx0C)`, `0019,xx0C` or `0019xx0C`: the block byte is written `xx` because it changes per file.
const PRIVATE_FORM = /^\(?([0-9a-f]{4}),?xx([0-9a-f]{2})\)?$/i;

/** Resolves `rule.tag` (and `creator`), or returns why it cannot be resolved. */
export function resolveRuleTarget(rule: {
  readonly tag: string;
  readonly creator?: string | undefined;
}): RuleTarget | { readonly problem: string } {
  const text = rule.tag.trim();
  const privateMatch = PRIVATE_FORM.exec(text);
  if (privateMatch) {
    const group = parseInt(privateMatch[1]!, 16);
    // PS3.5 7.8.1: groups 0001, 0003, 0005, 0007 and FFFF cannot hold private data.
    if ((group & 1) === 0 || group <= 0x0007 || group === 0xffff) {
      return {
        problem: `"${text}" is not a private element: the group must be odd and above 0007`,
      };
    }
    if (rule.creator === undefined) {
      return { problem: `private element "${text}" needs a "creator" (the Private Creator value)` };
    }
    return {
      kind: 'private',
      group,
      elementByte: parseInt(privateMatch[2]!, 16),
      creator: rule.creator,
    };
  }
  const parsed = parseTag(text);
  const tag = parsed ?? lookupKeyword(text)?.tag;
  if (tag === undefined) {
    return { problem: `"${text}" is neither a tag like (0010,0010) nor a dictionary keyword` };
  }
  if (isPrivateCreatorTag(tag)) {
    return {
      problem: `${text} is a Private Creator: write rules for the private elements as (gggg,xxEE) with a "creator"`,
    };
  }
  if (isPrivateTag(tag)) {
    const hex = groupOf(tag).toString(16).toUpperCase().padStart(4, '0');
    const byte = (elementOf(tag) & 0xff).toString(16).toUpperCase().padStart(2, '0');
    return {
      problem: `private elements move between files: write (${hex},xx${byte}) with a "creator" instead of ${text}`,
    };
  }
  if (elementOf(tag) === 0) {
    return { problem: `${text} is a group length: the writer recomputes those` };
  }
  if (rule.creator !== undefined) {
    return { problem: `"creator" only applies to private elements (gggg,xxEE), not ${text}` };
  }
  return { kind: 'standard', tag };
}

const targetKey = (target: RuleTarget): string =>
  target.kind === 'standard'
    ? `s:${target.tag}`
    : `p:${makeTag(target.group, target.elementByte)}:${target.creator.trim()}`;

/**
 * Validates `rules` (already known to be an array) and returns the clean rules. Every problem is
 * pushed to `problems` prefixed with `rules[i]`, so that one load lists all of them.
 */
export function validateRules(rules: readonly unknown[], problems: string[]): CustomRule[] {
  const out: CustomRule[] = [];
  const seen = new Map<string, number>();
  rules.forEach((raw, index) => {
    const at = `rules[${index}]`;
    const before = problems.length;
    const report = (message: string): void => {
      problems.push(`${at}: ${message}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      report('must be an object like {"tag": "PatientName", "action": "remove"}');
      return;
    }
    const rule = raw as Record<string, unknown>;
    for (const field of Object.keys(rule)) {
      if (!(RULE_FIELDS as readonly string[]).includes(field)) {
        report(`unknown field "${field}"${suggestion(field, RULE_FIELDS)}`);
      }
    }
    const { tag, creator, action, value, days, note } = rule;
    if (creator !== undefined && !isCreator(creator)) {
      report('"creator" must be 1 to 64 characters without backslash or control characters');
    }
    if (typeof tag !== 'string' || tag.trim() === '') {
      report('"tag" must be a tag like "(0010,0010)" or a keyword like "PatientName"');
    } else {
      const target = resolveRuleTarget({
        tag,
        creator: typeof creator === 'string' ? creator : undefined,
      });
      if ('problem' in target) {
        report(target.problem);
      } else {
        const key = targetKey(target);
        const first = seen.get(key);
        if (first !== undefined) {
          report(`targets the same element as rules[${first}]: merge them into one rule`);
        } else {
          seen.set(key, index);
        }
        const entry = target.kind === 'standard' ? lookupTag(target.tag) : undefined;
        if (action === 'shift' && entry && !entry.vrs.some((vr) => vr === 'DA' || vr === 'DT')) {
          report(
            `"shift" applies to dates (DA, DT); ${tag.trim()} has VR ${entry.vrs.join(' or ')}`,
          );
        }
      }
    }
    if (typeof action !== 'string' || !(CUSTOM_ACTIONS as readonly string[]).includes(action)) {
      const shown = typeof action === 'string' ? `"${action}"` : 'missing';
      report(
        `"action" is ${shown}${typeof action === 'string' ? suggestion(action, CUSTOM_ACTIONS) : ''}; use one of ${CUSTOM_ACTIONS.join(', ')}`,
      );
    }
    if (action === 'replace') {
      if (typeof value !== 'string') report('"replace" needs a "value" string');
    } else if (value !== undefined) {
      report('"value" is only used by "replace"');
    }
    if (action === 'shift') {
      if (!isShiftDays(days)) {
        report(
          `"shift" needs "days": a non-zero integer between -${MAX_SHIFT_DAYS} and ${MAX_SHIFT_DAYS} (use "keep" to keep the value)`,
        );
      }
    } else if (days !== undefined) {
      report('"days" is only used by "shift"');
    }
    if (note !== undefined && typeof note !== 'string') report('"note" must be a string');
    if (problems.length > before) return;
    out.push({
      tag: tag as string,
      ...(creator !== undefined ? { creator: creator as string } : {}),
      action: action as CustomAction,
      ...(value !== undefined ? { value: value as string } : {}),
      ...(days !== undefined ? { days: days as number } : {}),
      ...(note !== undefined ? { note: note as string } : {}),
    });
  });
  return out;
}

export function isShiftDays(days: unknown): days is number {
  return (
    typeof days === 'number' &&
    Number.isInteger(days) &&
    days !== 0 &&
    Math.abs(days) <= MAX_SHIFT_DAYS
  );
}

// A Private Creator is an LO value: at most 64 characters, no backslash (value separator).
function isCreator(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && /^[^\\\x00-\x1f]{1,64}$/.test(value) && value.trim() !== '';
}

/** ` (did you mean "x"?)` when `word` is one or two edits away from a known name. */
export function suggestion(word: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
