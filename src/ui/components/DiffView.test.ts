// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '@testing-library/react';
import { deid, planWith } from '../../../test/support/deid';
import type { Change } from '../../core/deid/types';
import { CHANGE_KINDS, CHANGE_KIND_STYLE } from './changeKinds';
import { DiffView } from './DiffView';

afterEach(cleanup);

const fixture = (name: string): Uint8Array =>
  readFileSync(
    fileURLToPath(
      new globalThis.URL(`../../../test/fixtures/pydicom/${name}`, import.meta.url).href,
    ),
  );

// Real changes: CT_small through the basic profile with shifted dates.
const RESULT = deid(fixture('CT_small.dcm'), planWith(['RetainLongModifDates']));
const CHANGES = RESULT.changes;

const bodyRows = () =>
  within(screen.getByRole('table')).getAllByRole('row').slice(1) as HTMLTableRowElement[];
const rowFor = (path: string) => {
  const row = bodyRows().find((r) => r.cells[0]?.textContent === path);
  if (!row) throw new Error(`no row for ${path}`);
  return row;
};
const cellTexts = (row: HTMLTableRowElement) => Array.from(row.cells, (cell) => cell.textContent);

describe('DiffView', () => {
  it('shows every change of a real file, original and de-identified side by side', () => {
    render(createElement(DiffView, { changes: CHANGES }));
    expect(bodyRows()).toHaveLength(CHANGES.length);
    const name = CHANGES.find((c) => c.path === '(0010,0010)')!;
    const [tag, keyword, kind, before, after, rule] = cellTexts(rowFor('(0010,0010)'));
    expect([tag, keyword, before, rule]).toEqual([
      '(0010,0010)',
      'PatientNamePN',
      'CompressedSamples^CT1',
      name.rule,
    ]);
    expect(kind).toContain(CHANGE_KIND_STYLE[name.kind].label);
    expect(after).not.toContain('CompressedSamples');
  });

  it('marks each kind in words and symbols, and counts them in the legend as core does', () => {
    render(createElement(DiffView, { changes: CHANGES }));
    const legend = screen.getByRole('list', { name: 'Legend' });
    const items = within(legend).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(
      CHANGE_KINDS.map(
        (kind) =>
          `${CHANGE_KIND_STYLE[kind].symbol}${CHANGE_KIND_STYLE[kind].label}${RESULT.counts[kind]}`,
      ),
    );
    // This file exercises most kinds: the test would be weak if it did not.
    const present = CHANGE_KINDS.filter((kind) => RESULT.counts[kind] > 0);
    expect(present).toEqual(
      expect.arrayContaining(['removed', 'replaced', 'uid-remapped', 'date-shifted', 'kept']),
    );
    const shifted = CHANGES.find((c) => c.kind === 'date-shifted')!;
    const row = rowFor(shifted.path);
    expect(row.className).toContain('veil-kind--date-shifted');
    expect(cellTexts(row)[2]).toBe('↦Date shifted');
    expect(cellTexts(row)[3]).toBe(shifted.before);
    expect(cellTexts(row)[4]).toBe(shifted.after);
    const removed = CHANGES.find((c) => c.kind === 'removed')!;
    expect(cellTexts(rowFor(removed.path))[4]).toBe('(removed)');
  });

  it('hides what was kept with "Changes only"', () => {
    render(createElement(DiffView, { changes: CHANGES }));
    const kept = CHANGES.filter((c) => c.kind === 'kept').length;
    fireEvent.click(screen.getByRole('checkbox', { name: 'Changes only' }));
    expect(bodyRows()).toHaveLength(CHANGES.length - kept);
    expect(bodyRows().every((row) => !row.className.includes('veil-kind--kept'))).toBe(true);
    expect(screen.getByRole('status').textContent).toBe(
      `${CHANGES.length - kept} of ${CHANGES.length} elements`,
    );
  });

  it('searches tags, keywords, values and rules', async () => {
    render(createElement(DiffView, { changes: CHANGES }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search changes' }), {
      target: { value: 'patientid' },
    });
    const expected = CHANGES.filter((c: Change) =>
      [c.path, c.keyword, c.vr, c.before, c.after, c.rule].some((f) =>
        f?.toLowerCase().includes('patientid'),
      ),
    );
    expect(expected.length).toBeGreaterThan(1);
    await waitFor(() => expect(bodyRows()).toHaveLength(expected.length));
    expect(bodyRows().map((r) => r.cells[0]!.textContent)).toEqual(expected.map((c) => c.path));
  });

  it('says absent and empty values in words', () => {
    const changes: Change[] = [
      {
        path: '(0012,0062)',
        tag: '(0012,0062)',
        keyword: 'PatientIdentityRemoved',
        vr: 'CS',
        kind: 'added',
        after: 'YES',
        rule: 'PS3.15 E.1',
      },
      {
        path: '(0008,0050)',
        tag: '(0008,0050)',
        keyword: 'AccessionNumber',
        vr: 'SH',
        kind: 'emptied',
        before: 'A123',
        after: '',
        rule: 'E.1-1 basic Z',
      },
    ];
    render(createElement(DiffView, { changes }));
    expect(cellTexts(rowFor('(0012,0062)')).slice(3, 5)).toEqual(['(absent)', 'YES']);
    expect(cellTexts(rowFor('(0008,0050)')).slice(3, 5)).toEqual(['A123', '(empty)']);
  });
});
