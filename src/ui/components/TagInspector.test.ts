// @vitest-environment jsdom
import { createElement } from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspectElements, type InspectNode } from '../../core/dicom/inspect';
import { TagInspector } from './TagInspector';
import { fakeJsdomLayout } from './testing/jsdomLayout';

fakeJsdomLayout();

// readFixture() builds a URL object, which jsdom's own URL class makes unreadable to node:fs here.
const fixture = (name: string): Uint8Array =>
  readFileSync(
    fileURLToPath(
      new globalThis.URL(`../../../test/fixtures/pydicom/${name}`, import.meta.url).href,
    ),
  );
const CT = inspectElements(fixture('CT_small.dcm'), 'CT_small.dcm');
const rowNames = () =>
  screen.queryAllByRole('treeitem').map((row) => row.getAttribute('aria-label'));
const search = (text: string) =>
  fireEvent.change(screen.getByRole('searchbox', { name: 'Search tags' }), {
    target: { value: text },
  });

describe('TagInspector', () => {
  it('lists the elements of a real file with keyword, VR and value', () => {
    render(createElement(TagInspector, { nodes: CT }));
    expect(rowNames()[0]).toBe('(0002,0000) FileMetaInformationGroupLength, UL, 192');
    const total = (function count(list: readonly InspectNode[]): number {
      return list.reduce((n, node) => n + 1 + (node.children ?? []).flat().length, 0);
    })(CT);
    expect(screen.getByRole('status').textContent).toBe(`${total} elements`);
  });

  it('opens a sequence item by item, with the nested values', () => {
    render(createElement(TagInspector, { nodes: CT.filter((n) => n.tag.startsWith('(0010,')) }));
    const closed = screen.getByRole('treeitem', { name: /^\(0010,1002\)/ });
    expect(closed.getAttribute('aria-label')).toBe(
      '(0010,1002) OtherPatientIDsSequence, SQ, 2 items',
    );
    expect(closed.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(closed);
    const open = screen.getByRole('treeitem', { name: /^\(0010,1002\)/ });
    expect(open.getAttribute('aria-expanded')).toBe('true');
    const names = rowNames();
    const at = names.indexOf('(0010,1002) OtherPatientIDsSequence, SQ, 2 items');
    expect(names.slice(at + 1, at + 7)).toEqual([
      'Item 1 of (0010,1002), 2 elements',
      '(0010,0020) PatientID, LO, ABCD1234',
      '(0010,0022) TypeOfPatientID, CS, TEXT',
      'Item 2 of (0010,1002), 2 elements',
      '(0010,0020) PatientID, LO, 1234ABCD',
      '(0010,0022) TypeOfPatientID, CS, TEXT',
    ]);
    // Nested rows sit one level under their item.
    const nested = screen.getAllByRole('treeitem', { name: '(0010,0020) PatientID, LO, ABCD1234' });
    expect(nested[0]!.getAttribute('aria-level')).toBe('3');
  });

  it('searches values inside sequences and shows the path to them', async () => {
    render(createElement(TagInspector, { nodes: CT }));
    search('1234abcd');
    await waitFor(() =>
      expect(rowNames()).toEqual([
        '(0010,1002) OtherPatientIDsSequence, SQ, 2 items',
        'Item 2 of (0010,1002), 2 elements',
        '(0010,0020) PatientID, LO, 1234ABCD',
      ]),
    );
    expect(screen.getByRole('status').textContent).toMatch(/^1 element of \d+ match$/);
  });

  it('finds a tag in any spelling and shows the creator of private elements', async () => {
    render(createElement(TagInspector, { nodes: CT }));
    for (const spelling of ['(0009,1001)', '0009,1001', '00091001']) {
      search(spelling);
      await waitFor(() =>
        expect(rowNames()).toEqual([
          '(0009,1001) Private, creator GEMS_IDEN_01, LO, GE_GENESIS_FF',
        ]),
      );
    }
    const row = screen.getByRole('treeitem');
    expect(within(row).getByText('GEMS_IDEN_01').getAttribute('title')).toBe('Private block 10');
  });

  it('matches private creators by name, the creator row and its block', async () => {
    render(createElement(TagInspector, { nodes: CT }));
    search('gems_pati');
    await waitFor(() =>
      expect(rowNames()).toEqual([
        '(0011,0010) Private creator, LO, GEMS_PATI_01',
        '(0011,1010) Private, creator GEMS_PATI_01, SS, 0',
      ]),
    );
    expect(within(screen.getAllByRole('treeitem')[0]!).getByText('block 10')).toBeTruthy();
  });

  it('says so when nothing matches', async () => {
    render(createElement(TagInspector, { nodes: CT }));
    search('no such thing anywhere');
    await waitFor(() => expect(screen.getByText('No element matches the search.')).toBeTruthy());
    expect(screen.queryAllByRole('treeitem')).toHaveLength(0);
  });

  it('is keyboard-usable and stays virtualised on long files', () => {
    const many: InspectNode[] = Array.from({ length: 20_000 }, (_, i) => ({
      path: `(4FFF,${(0x1000 + i).toString(16).toUpperCase().padStart(4, '0')})`,
      tag: `(4FFF,${(0x1000 + i).toString(16).toUpperCase().padStart(4, '0')})`,
      keyword: '',
      vr: 'LO',
      value: `value ${i}`,
      length: 8,
    }));
    render(createElement(TagInspector, { nodes: [...CT, ...many] }));
    expect(screen.getAllByRole('treeitem').length).toBeLessThan(80);
    const tree = screen.getByRole('tree', { name: 'Tags of this file' });
    const active = () => document.getElementById(tree.getAttribute('aria-activedescendant')!);
    tree.focus();
    const sequenceAt = CT.findIndex((node) => node.tag === '(0010,1002)');
    for (let i = 0; i < sequenceAt; i++) fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(active()?.getAttribute('aria-label')).toMatch(/^\(0010,1002\)/);
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(active()?.getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(active()?.getAttribute('aria-label')).toBe('Item 1 of (0010,1002), 2 elements');
    fireEvent.keyDown(tree, { key: 'Enter' });
    expect(active()?.getAttribute('aria-expanded')).toBe('false');
  });
});
