// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deid, planWith } from '../../../test/support/deid';
import type { ChangeKind } from '../../core/deid/types';
import { CHANGE_KIND_STYLE } from './changeKinds';
import { BatchSummary, type Props, type TagSummaryRow } from './BatchSummary';

afterEach(cleanup);

const fixture = (name: string): Uint8Array =>
  readFileSync(
    fileURLToPath(
      new globalThis.URL(`../../../test/fixtures/pydicom/${name}`, import.meta.url).href,
    ),
  );

// A small real batch: three files through the basic profile.
const FILES = ['CT_small.dcm', 'MR_small.dcm', 'JPGExtended.dcm'];
const RESULTS = FILES.map((name) => deid(fixture(name), planWith([])));

/** Per tag path (item numbers dropped), the files per kind: what the store hands the summary. */
function rowsOf(): TagSummaryRow<number>[] {
  const rows = new Map<
    string,
    {
      keyword: string;
      vr: string;
      files: Partial<Record<ChangeKind, number[]>>;
      rules: Set<string>;
    }
  >();
  RESULTS.forEach((result, file) => {
    for (const change of result.changes) {
      const path = change.path.replace(/\[\d+\]/g, '');
      const row = rows.get(path) ?? {
        keyword: change.keyword,
        vr: change.vr,
        files: {},
        rules: new Set(),
      };
      rows.set(path, row);
      const list = (row.files[change.kind] ??= []);
      if (list.at(-1) !== file) list.push(file);
      row.rules.add(change.rule);
    }
  });
  return [...rows].map(([path, row]) => ({ path, ...row, rules: [...row.rules] }));
}
const ROWS = rowsOf();

function renderSummary(extra: Partial<Props<number>> = {}) {
  const onOpenFile = vi.fn();
  render(
    createElement(BatchSummary<number>, {
      rows: ROWS,
      risks: {
        'identifying-values': [1],
        'burned-in-text': [],
        'free-text-kept': [0, 2],
        'private-kept': [],
      },
      totalFiles: FILES.length,
      fileName: (id: number) => FILES[id]!,
      onOpenFile,
      ...extra,
    }),
  );
  return onOpenFile;
}

describe('BatchSummary', () => {
  it('counts, per tag, the files each thing happened in', () => {
    renderSummary();
    const patientName = ROWS.find((r) => r.path === '(0010,0010)')!;
    const [kind, files] = Object.entries(patientName.files)[0]!;
    expect(files).toHaveLength(3);
    const row = screen.getByRole('rowheader', { name: '(0010,0010)' }).closest('tr')!;
    const label = CHANGE_KIND_STYLE[kind as ChangeKind].label;
    expect(
      within(row).getByRole('button', { name: `${label} in 3 files: (0010,0010) PatientName` })
        .textContent,
    ).toBe('3');
    expect(screen.getByText(/3 files de-identified/)).toBeTruthy();
  });

  it('drills down from a count to the files, and opens one', () => {
    const onOpenFile = renderSummary();
    const uidRow = ROWS.find((r) => r.path === '(0008,0018)')!;
    expect(uidRow.files['uid-remapped']).toEqual([0, 1, 2]);
    const button = screen.getByRole('button', { name: /^UID remapped in 3 files: \(0008,0018\)/ });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const list = screen.getByRole('list', { name: 'UID remapped: (0008,0018) SOPInstanceUID' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(FILES);
    fireEvent.click(within(list).getByRole('button', { name: 'MR_small.dcm' }));
    expect(onOpenFile).toHaveBeenCalledWith(1);
    fireEvent.click(button);
    expect(screen.queryByRole('list', { name: /UID remapped/ })).toBeNull();
  });

  it('hides tags that were only kept until asked, and searches', () => {
    renderSummary();
    const keptOnly = ROWS.filter((r) => Object.keys(r.files).every((k) => k === 'kept'));
    expect(keptOnly.length).toBeGreaterThan(0);
    const rowCount = () => screen.getAllByRole('rowheader').length;
    expect(rowCount()).toBe(ROWS.length - keptOnly.length);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Changed tags only' }));
    expect(rowCount()).toBe(ROWS.length);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search the summary' }), {
      target: { value: 'StudyDate' },
    });
    expect(screen.getAllByRole('rowheader').map((th) => th.textContent)).toEqual(['(0008,0020)']);
  });

  it('flags residual risks, opens their files, and says when there are none', () => {
    const onOpenFile = renderSummary();
    const risks = screen.getByRole('region', { name: 'Residual risks' });
    const burned = within(risks).getByRole('button', { name: /burned-in/ });
    expect(burned.textContent).toBe('✓ No file flagged for burned-in text');
    expect((burned as HTMLButtonElement).disabled).toBe(true);
    const text = within(risks).getByRole('button', { name: /free text/ });
    expect(text.textContent).toBe('✎ 2 files keep free text (kept or only cleaned)');
    fireEvent.click(text);
    const list = screen.getByRole('list', {
      name: 'Files that keep free text (kept or only cleaned)',
    });
    fireEvent.click(within(list).getByRole('button', { name: 'JPGExtended.dcm' }));
    expect(onOpenFile).toHaveBeenCalledWith(2);
    const held = within(risks).getByRole('button', { name: /identifying values/ });
    expect(held.textContent).toMatch(/^⛔ 1 file still hold identifying values/);
  });
});
