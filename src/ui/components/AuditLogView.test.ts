// @vitest-environment jsdom
import { createElement } from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import {
  appendEntry,
  linkBefore,
  logAnchor,
  sampleEvents,
  type AuditEntry,
  type AuditEventType,
} from '../../core/audit';
import { AuditLogView, type AuditFilter, type AuditLogViewProps } from './AuditLogView';
import { eventSummary, EVENT_LABELS, EVENT_TYPES, retentionLabel } from './auditRows';
import { fakeJsdomLayout } from './testing/jsdomLayout';

fakeJsdomLayout();

/** A real chain of `n` entries cycling through every event type, one a minute. */
function makeLog(n: number): AuditEntry[] {
  const events = Object.values(sampleEvents());
  const entries: AuditEntry[] = [];
  let link = linkBefore(logAnchor('f'.repeat(32)));
  for (let i = 0; i < n; i++) {
    const entry = appendEntry(link, {
      time: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      operator: i % 2 ? 'Ada' : 'Grace',
      appVersion: '0.1.0',
      event: events[i % events.length]!,
    });
    entries.push(entry);
    link = entry;
  }
  return entries;
}

/** The store's query, over an array: newest first, filtered, paged. */
function loader(log: readonly AuditEntry[]) {
  return vi.fn(async (filter: AuditFilter, offset: number, limit: number) => {
    const matching = log
      .filter((e) => filter.type === '' || e.event.type === filter.type)
      .filter((e) => filter.operator === '' || e.operator === filter.operator)
      .reverse();
    return { total: matching.length, entries: matching.slice(offset, offset + limit) };
  });
}

const view = (props: Partial<AuditLogViewProps> & Pick<AuditLogViewProps, 'loadPage'>) =>
  render(
    createElement(AuditLogView, {
      operators: ['Ada', 'Grace'],
      verdict: null,
      onVerify: () => undefined,
      onExport: () => undefined,
      storedIn: 'browser',
      ...props,
    }),
  );

const dataRows = () =>
  screen.getAllByRole('row').filter((row) => within(row).queryAllByRole('cell').length > 0);

describe('AuditLogView', () => {
  it('shows 10,000 entries with a screenful of rows, reading only the pages in view', async () => {
    const log = makeLog(10_000);
    const loadPage = loader(log);
    view({ loadPage });
    await screen.findByText('10,000 entries, newest first · kept in this browser, hash-chained');
    const table = screen.getByRole('table', { name: 'Audit log' });
    expect(table.getAttribute('aria-rowcount')).toBe('10001');
    await waitFor(() => expect(dataRows()[0]!.textContent).toContain('10000'));
    expect(dataRows().length).toBeLessThan(60);
    expect(loadPage.mock.calls.map((c) => c[1])).toEqual([0]);

    // Scrolled to row 5,000: only its page is read, and it shows that entry.
    const scroller = table.querySelector('[role="rowgroup"]') as HTMLElement;
    act(() => scroller.scrollTo({ top: 5000 * 28 }));
    await waitFor(() =>
      expect(
        screen.getAllByRole('row').some((r) => r.getAttribute('aria-rowindex') === '5002'),
      ).toBe(true),
    );
    const row = screen.getAllByRole('row').find((r) => r.getAttribute('aria-rowindex') === '5002')!;
    await waitFor(() => expect(within(row).getAllByRole('cell')[0]!.textContent).toBe('5000'));
    expect(new Set(loadPage.mock.calls.map((c) => c[1]))).toEqual(new Set([0, 4900, 5000]));
  });

  it('filters by event type and operator, and shows the verdict and the exports', async () => {
    const log = makeLog(300);
    const loadPage = loader(log);
    const onVerify = vi.fn();
    const onExport = vi.fn();
    const { rerender } = view({ loadPage, onVerify, onExport });
    await screen.findByText(/^300 entries/);
    fireEvent.change(screen.getByLabelText('Event'), { target: { value: 'exported' } });
    await screen.findByText(/^20 entries match/);
    expect(loadPage).toHaveBeenLastCalledWith(
      { from: '', to: '', type: 'exported', operator: '' },
      0,
      100,
    );
    await waitFor(() => expect(dataRows()).toHaveLength(20));
    for (const row of dataRows()) expect(row.textContent).toContain('Exported');
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'Ada' } });
    await screen.findByText(/^\d+ entr(y|ies) match/);
    for (const row of dataRows()) expect(row.textContent).toContain('Ada');
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByText(/^300 entries, newest/);

    fireEvent.click(dataRows()[0]!);
    expect(screen.getByRole('heading', { name: 'Entry 300' })).toBeTruthy();
    expect(screen.getByText(/"prevHash"/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Verify log' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export audit JSON' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export audit CSV' }));
    expect(onVerify).toHaveBeenCalledTimes(1);
    expect(onExport.mock.calls).toEqual([['json'], ['csv']]);
    rerender(
      createElement(AuditLogView, {
        loadPage,
        operators: [],
        verdict: {
          ok: false,
          text: 'entry 12 was altered (its content no longer matches its hash or its successor’s link)',
          count: 300,
          checkedAt: Date.UTC(2025, 0, 1),
        },
        onVerify,
        onExport,
        storedIn: 'tab',
      }),
    );
    expect(screen.getByRole('status').textContent).toMatch(/^✗ Not verified: entry 12 was altered/);
    expect(screen.getByText(/kept in this tab only/)).toBeTruthy();
  });
});

describe('audit rows', () => {
  it('names and summarises every event type from what the entry holds', () => {
    const samples = sampleEvents();
    expect(EVENT_TYPES).toEqual(Object.keys(samples));
    for (const type of EVENT_TYPES as AuditEventType[]) {
      expect(EVENT_LABELS[type]).toMatch(/^[A-Z]/);
      expect(eventSummary(samples[type]).length).toBeGreaterThan(5);
    }
    expect(eventSummary(samples['files-imported'])).toBe('2 files, 1.0 MB');
    expect(eventSummary(samples['retention-deleted'])).toBe('1 batch (expired)');
    expect(eventSummary(samples['settings-changed'])).toBe('working data kept: 30 days');
    expect(retentionLabel('tab')).toBe('until the tab closes');
    expect(retentionLabel(3653)).toBe('10 years');
    expect(retentionLabel(2192)).toBe('6 years');
    expect(retentionLabel(1)).toBe('1 day');
  });
});
