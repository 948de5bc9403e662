import { VeilError } from '../errors';
import { formatTag, type Tag } from '../dicom/tag';
import type { OptionName } from './options';
import { OPTION_NAMES } from './options';
import { resolveRuleTarget } from './profileRules';
import { PRIVATE_ROW, PROFILE_ROWS, rowForTag, type BasicAction, type ProfileRow } from './table';
import type { CustomRule, Profile } from './types';

/**
 * A plan is the profile resolved once into what happens to each tag: plain data (it is posted to
 * workers), built before any file is read, and refused as a whole when anything in it does not
 * resolve. That is where "no silent no-op" is enforced.
 */

/** One step the engine knows how to take. */
export type PlanOp =
  /** A PS3.15 action code, compound codes included; resolved per element by `resolveCompound`. */
  | { readonly op: 'table'; readonly code: BasicAction | 'K' | 'C' }
  | { readonly op: 'keep' }
  | { readonly op: 'remove' }
  | { readonly op: 'empty' }
  | { readonly op: 'replace'; readonly value: string }
  | { readonly op: 'hash' }
  | { readonly op: 'shift'; readonly days: number }
  | { readonly op: 'pseudonym-id' }
  | { readonly op: 'pseudonym-name' };

export interface PlanRule {
  readonly op: PlanOp;
  /** Names the rule in the diff view and reports: `E.1-1 basic X`, `custom rule 2`… */
  readonly label: string;
}

export interface PrivatePlanRule extends PlanRule {
  readonly creator: string;
  readonly group: number;
  readonly elementByte: number;
}

export interface Plan {
  readonly profile: Profile;
  readonly options: readonly OptionName[];
  /** Tag (as a decimal string key, so the object stays JSON-friendly) → rule. */
  readonly byTag: Readonly<Record<string, PlanRule>>;
  readonly curve: PlanRule;
  readonly overlayData: PlanRule;
  readonly overlayComments: PlanRule;
  /** Private elements with no custom rule: removed, or kept when on the safe list with the option. */
  readonly retainSafePrivate: boolean;
  readonly privateLabel: string;
  readonly privateRules: readonly PrivatePlanRule[];
}

const PATIENT_ID: Tag = 0x00100020;
const PATIENT_NAME: Tag = 0x00100010;

export function buildPlan(profile: Profile): Plan {
  const options = [...new Set(profile.options)];
  const problems: string[] = [];
  for (const option of options) {
    if (!OPTION_NAMES.includes(option)) problems.push(`unknown option "${String(option)}"`);
  }
  if (options.includes('RetainLongFullDates') && options.includes('RetainLongModifDates')) {
    problems.push('RetainLongFullDates and RetainLongModifDates exclude each other: choose one');
  }

  const byTag: Record<string, PlanRule> = {};
  const patterns: Partial<Record<string, PlanRule>> = {};
  for (const row of PROFILE_ROWS) {
    const rule = ruleForRow(row, options);
    if (row.tag !== undefined) byTag[String(row.tag)] = rule;
    else if (row.pattern) patterns[row.pattern] = rule;
  }
  // Pseudonyms replace the table's Z and Z/D for the two attributes that name the patient, so that
  // a researcher's batches stay linkable through them.
  byTag[String(PATIENT_ID)] = {
    op: { op: 'pseudonym-id' },
    label: `pseudonym (${profile.pseudonyms.kind})`,
  };
  byTag[String(PATIENT_NAME)] = {
    op: { op: 'pseudonym-name' },
    label: `pseudonym (${profile.pseudonyms.kind})`,
  };

  const privateRules: PrivatePlanRule[] = [];
  profile.rules.forEach((rule, index) => {
    const label = `custom rule ${index + 1}`;
    const target = resolveRuleTarget(rule);
    if ('problem' in target) {
      problems.push(`rule ${index + 1}: ${target.problem}`);
      return;
    }
    const op = customOp(rule, index, problems);
    if (!op) return;
    if (target.kind === 'standard') byTag[String(target.tag)] = { op, label };
    else
      privateRules.push({
        op,
        label,
        creator: target.creator,
        group: target.group,
        elementByte: target.elementByte,
      });
  });

  const curve = patterns['curve'];
  const overlayData = patterns['overlay-data'];
  const overlayComments = patterns['overlay-comments'];
  if (!curve || !overlayData || !overlayComments) {
    problems.push(
      'the PS3.15 table lacks its repeating-group rows (curve, overlay data, overlay comments)',
    );
  }
  if (problems.length > 0 || !curve || !overlayData || !overlayComments) {
    throw new VeilError('BAD_PROFILE', `the profile cannot be used:\n- ${problems.join('\n- ')}`);
  }
  const privateRule = ruleForRow(PRIVATE_ROW, options);
  return {
    profile,
    options,
    byTag,
    curve,
    overlayData,
    overlayComments,
    retainSafePrivate: options.includes('RetainSafePrivate'),
    privateLabel: privateRule.label,
    privateRules,
  };
}

/**
 * The action of one table row under the chosen options. An option cell overrides the basic action;
 * where two chosen options both have a cell, K (the person chose to retain) wins over C.
 */
function ruleForRow(row: ProfileRow, options: readonly OptionName[]): PlanRule {
  let chosen: { option: OptionName; code: 'K' | 'C' } | undefined;
  for (const option of options) {
    const code = row.options[option];
    if (!code) continue;
    if (!chosen || (code === 'K' && chosen.code === 'C')) chosen = { option, code };
  }
  if (chosen)
    return {
      op: { op: 'table', code: chosen.code },
      label: `E.1-1 ${chosen.option} ${chosen.code}`,
    };
  return { op: { op: 'table', code: row.basic }, label: `E.1-1 basic ${row.basic}` };
}

function customOp(rule: CustomRule, index: number, problems: string[]): PlanOp | undefined {
  switch (rule.action) {
    case 'keep':
      return { op: 'keep' };
    case 'remove':
      return { op: 'remove' };
    case 'empty':
      return { op: 'empty' };
    case 'hash':
      return { op: 'hash' };
    case 'replace':
      if (typeof rule.value !== 'string') {
        problems.push(`rule ${index + 1}: "replace" needs a "value"`);
        return undefined;
      }
      return { op: 'replace', value: rule.value };
    case 'shift':
      if (typeof rule.days !== 'number' || !Number.isInteger(rule.days)) {
        problems.push(`rule ${index + 1}: "shift" needs whole "days"`);
        return undefined;
      }
      return { op: 'shift', days: rule.days };
    default:
      problems.push(`rule ${index + 1}: unknown action "${String(rule.action)}"`);
      return undefined;
  }
}

/**
 * Rules by numeric tag, per plan: the plan stays plain data (it is posted to workers), and this
 * lookup, made for every element of every file, costs no string key.
 */
const resolvedRules = new WeakMap<Plan, Map<Tag, PlanRule | null>>();

/** The rule for a standard (even-group) tag, repeating groups included; undefined if not listed. */
export function ruleForStandardTag(plan: Plan, tag: Tag): PlanRule | undefined {
  let rules = resolvedRules.get(plan);
  if (!rules) {
    rules = new Map();
    resolvedRules.set(plan, rules);
  }
  const known = rules.get(tag);
  if (known !== undefined) return known ?? undefined;
  const rule = lookupRule(plan, tag);
  // Bounded: a hostile file can name millions of distinct (unlisted) tags.
  if (rules.size >= 65_536) rules.clear();
  rules.set(tag, rule ?? null);
  return rule;
}

function lookupRule(plan: Plan, tag: Tag): PlanRule | undefined {
  const exact = plan.byTag[String(tag)];
  if (exact) return exact;
  const row = rowForTag(tag);
  if (!row) return undefined;
  if (row.pattern === 'curve') return plan.curve;
  if (row.pattern === 'overlay-data') return plan.overlayData;
  if (row.pattern === 'overlay-comments') return plan.overlayComments;
  throw new VeilError('INTERNAL', `table row for ${formatTag(tag)} is missing from the plan`);
}

export function findPrivateRule(
  plan: Plan,
  creator: string,
  group: number,
  elementByte: number,
): PrivatePlanRule | undefined {
  const trimmed = creator.trim();
  return plan.privateRules.find(
    (r) => r.group === group && r.elementByte === elementByte && r.creator.trim() === trimmed,
  );
}
