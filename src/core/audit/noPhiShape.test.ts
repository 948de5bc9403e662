import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePhiFile } from '../../../test/support/phiCanaries';
import { TS } from '../../../test/support/transferSyntax';
import { appendEntry, linkBefore, logAnchor } from './chain';
import { WARNING_CODES, warningCodes, type AuditEntry, type AuditEvent } from './events';
import { assertNoPhiShape, entryProblem, eventProblem } from './noPhiShape';
import { sampleEvents } from './samples';

const EVENTS: AuditEvent[] = Object.values(sampleEvents());
const anchor = logAnchor('0123456789abcdef0123456789abcdef');
const entryFor = (event: AuditEvent): AuditEntry =>
  appendEntry(linkBefore(anchor), {
    time: '2024-05-01T12:00:00.000Z',
    operator: 'Dr. Ada Lovelace',
    appVersion: '0.1.0',
    event,
  });

/** Canary values as the PHI fixtures plant them: names, IDs, dates, UIDs, free text. */
const CANARIES = [
  ...makePhiFile({ transferSyntax: TS.explicitLE, patient: 0 }).canaries,
  ...makePhiFile({ transferSyntax: TS.implicitLE, patient: 1, study: 1 }).canaries,
];

/** Every leaf of a value as a key path; an empty list counts as a leaf. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, k) => leafPaths(v, [...path, k]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

function withLeaf(entry: AuditEntry, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(entry) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return copy;
}

describe('the PHI-shape guard', () => {
  it('accepts one of every event type, as an entry', () => {
    for (const event of EVENTS) {
      expect(eventProblem(event)).toBeUndefined();
      expect(() => assertNoPhiShape(entryFor(event))).not.toThrow();
    }
  });

  it('rejects a canary in any field but the operator name, and never repeats it', () => {
    expect(CANARIES.length).toBeGreaterThan(40);
    let tried = 0;
    for (const event of EVENTS) {
      const entry = entryFor(event);
      const paths = leafPaths(entry).filter((p) => p[0] !== 'operator');
      for (const path of paths) {
        // Each kind of canary in turn, as the whole value, appended to a valid value, and in a list.
        const canary = CANARIES[tried % CANARIES.length]!;
        const old = path.reduce<unknown>(
          (v, k) => (v as Record<string | number, unknown>)[k],
          entry,
        );
        const candidates = [canary, `${String(old)}${canary}`, [canary]];
        for (const candidate of candidates) {
          const problem = entryProblem(withLeaf(entry, path, candidate));
          expect(problem, `${event.type} ${path.join('.')}`).toBeDefined();
          expect(problem).not.toContain(canary);
          expect(() => assertNoPhiShape(withLeaf(entry, path, candidate))).toThrow(/refused/);
        }
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(80);
  });

  it('rejects a canary carried in an extra field or as a key', () => {
    for (const canary of CANARIES.slice(0, 10)) {
      const entry = entryFor(sampleEvents()['file-deidentified']);
      const extraField = { ...entry, event: { ...entry.event, note: canary } };
      const asKey = { ...entry, event: { ...entry.event, counts: { [canary]: 1 } } };
      const onEntry = { ...entry, comment: canary };
      for (const bad of [extraField, asKey, onEntry]) {
        const problem = entryProblem(bad);
        expect(problem).toBeDefined();
        expect(problem).not.toContain(canary);
      }
    }
  });

  it('rejects realistic free text in fields meant for codes and hashes', () => {
    const sample = sampleEvents();
    const bad: unknown[] = [
      { ...sample['file-failed'], errorCode: 'Patient DOE^JOHN not found' },
      { ...sample['file-deidentified'], warnings: ['date 19700101 not shiftable'] },
      { ...sample['phi-viewed'], view: 'DOE^JOHN' },
      { ...sample['phi-viewed'], inputHash: 'a'.repeat(63) + 'G' },
      { ...sample['key-generated'], fingerprint: '12345678' },
      { ...sample['files-imported'], batchId: 'MRN-0012345' },
      { ...sample['files-imported'], count: 3 },
      { ...sample['files-imported'], bytes: -1 },
      { ...sample['files-imported'], bytes: 1.5 },
      { ...sample['exported'], mappingIncluded: 'yes' },
      { type: 'settings-changed', setting: 'operator', value: 'Jane Doe' },
      { type: 'settings-changed', setting: 'audit-retention-days', value: 'forever' },
      { type: 'settings-changed', setting: 'working-data-retention', value: 0 },
      { type: 'settings-changed', setting: 'require-sign-off', value: 1 },
      { type: 'comment', text: 'hello' },
      'files-imported',
      null,
    ];
    for (const event of bad) expect(eventProblem(event), JSON.stringify(event)).toBeDefined();
    expect(
      eventProblem({ type: 'settings-changed', setting: 'working-data-retention', value: 'tab' }),
    ).toBeUndefined();
    expect(eventProblem({ type: 'settings-changed', setting: 'operator' })).toBeUndefined();
  });

  it('accepts only the envelope shapes it documents', () => {
    const entry = entryFor(EVENTS[0]!);
    expect(entryProblem({ ...entry, time: '2024-02-30T12:00:00.000Z' })).toMatch(/time/);
    expect(entryProblem({ ...entry, time: '2024-05-01T12:00:00Z' })).toMatch(/time/);
    expect(entryProblem({ ...entry, appVersion: '1.0.0-CANARY' })).toMatch(/appVersion/);
    expect(entryProblem({ ...entry, appVersion: '0.0.0-dev' })).toBeUndefined();
    expect(entryProblem({ ...entry, operator: '=HYPERLINK("x")' })).toMatch(/operator/);
    expect(entryProblem({ ...entry, operator: 'Line\nbreak' })).toMatch(/operator/);
    expect(entryProblem({ ...entry, operator: 'x'.repeat(65) })).toMatch(/operator/);
    expect(entryProblem({ ...entry, operator: 'Zoë O’Brien-Núñez (MRI)' })).toBeUndefined();
    expect(entryProblem({ ...entry, seq: 0 })).toMatch(/seq/);
  });

  it('lets no string through a hash field unless it is 64 lower-case hex digits', () => {
    const entry = entryFor(sampleEvents()['phi-viewed']);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const problem = entryProblem(withLeaf(entry, ['event', 'inputHash'], text));
        expect(problem === undefined).toBe(/^[0-9a-f]{64}$/.test(text));
      }),
    );
  });
});

describe('warning codes', () => {
  it('maps codes to a sorted distinct list, unknown ones to UNLISTED_WARNING', () => {
    expect(
      warningCodes([
        { code: 'GRAPHICS_KEPT' },
        { code: 'READ' },
        { code: 'GRAPHICS_KEPT' },
        { code: 'Something new' },
      ]),
    ).toEqual(['GRAPHICS_KEPT', 'READ', 'UNLISTED_WARNING']);
  });

  it('lists every warning code the de-identification engine emits', () => {
    const dir = fileURLToPath(new URL('../deid/', import.meta.url));
    const emitted = new Set<string>();
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const source = readFileSync(dir + name, 'utf8');
      // DeidWarning literals: `warnings.push({ code: 'X', …` and `({ code: 'X', message })`.
      for (const m of source.matchAll(/code: '([A-Z][A-Z_]{2,})'/g)) emitted.add(m[1]!);
    }
    expect(emitted.size).toBeGreaterThanOrEqual(6);
    for (const code of emitted) expect(WARNING_CODES).toContain(code);
  });
});
