// @vitest-environment jsdom
import { createElement } from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { StudyTree, type Props, type TreeNode } from './StudyTree';
import { fakeJsdomLayout } from './testing/jsdomLayout';

fakeJsdomLayout();

const instance = (id: string, n: number, flags?: TreeNode['flags']): TreeNode => ({
  id,
  kind: 'instance',
  label: `#${n}`,
  ...(flags ? { flags } : {}),
});

function series(id: string, count: number, extra: Partial<TreeNode> = {}): TreeNode {
  return {
    id,
    kind: 'series',
    label: `Series ${id}`,
    details: { modality: 'MR', description: `${id} axial` },
    children: Array.from({ length: count }, (_, i) => instance(`${id}/${i + 1}`, i + 1)),
    ...extra,
  };
}

const TREE: TreeNode[] = [
  {
    id: 'p1',
    kind: 'patient',
    label: 'ANON-1',
    details: { extra: 'ID 42' },
    children: [
      {
        id: 'p1/s1',
        kind: 'study',
        label: 'Brain',
        details: { date: '20040119', description: 'MR brain' },
        children: [
          series('a', 3),
          series('b', 2, {
            flags: ['burned-in-risk'],
            children: [instance('b/1', 1, ['burned-in-risk']), instance('b/2', 2, ['failed'])],
          }),
        ],
      },
    ],
  },
];

const renderTree = (props: Partial<Props> = {}) => {
  const onSelect = vi.fn();
  const view = render(createElement(StudyTree, { nodes: TREE, onSelect, ...props }));
  return { onSelect, view };
};

const item = (name: RegExp) => screen.getByRole('treeitem', { name });

describe('StudyTree', () => {
  it('shows patients, studies and series with counts, modality, dates and descriptions', () => {
    renderTree();
    expect(item(/^Patient ANON-1/).getAttribute('aria-label')).toBe(
      'Patient ANON-1, ID 42, 1 study · 5 images',
    );
    expect(item(/^Study Brain/).getAttribute('aria-label')).toBe(
      'Study Brain, 2004-01-19, MR brain, 2 series · 5 images',
    );
    const a = item(/^Series Series a/);
    expect(a.getAttribute('aria-label')).toBe('Series Series a, MR, a axial, 3 images');
    expect(a.textContent).toContain('MR');
    expect(item(/^Study Brain/).textContent).toContain('2004-01-19');
    // Series are closed by default; patients and studies open.
    expect(a.getAttribute('aria-expanded')).toBe('false');
    expect(item(/^Patient/).getAttribute('aria-expanded')).toBe('true');
    expect(screen.queryByRole('treeitem', { name: /^Image #1/ })).toBeNull();
    expect(a.getAttribute('aria-level')).toBe('3');
    expect(a.getAttribute('aria-posinset')).toBe('1');
    expect(a.getAttribute('aria-setsize')).toBe('2');
  });

  it('flags burned-in text risk on series and instances, and failures, in words', () => {
    renderTree({ selectedId: 'b/1' });
    const b = item(/^Series Series b/);
    expect(b.getAttribute('aria-label')).toContain('burned-in text risk');
    expect(within(b).getByText('Burned-in text risk')).toBeTruthy();
    expect(within(item(/^Image #1, burned/)).getByText('Burned-in text risk')).toBeTruthy();
    expect(within(item(/^Image #2/)).getByText('Failed')).toBeTruthy();
  });

  it('selects by click and marks the selected row', () => {
    const { onSelect, view } = renderTree();
    fireEvent.click(item(/^Series Series a/));
    expect(onSelect).toHaveBeenCalledWith('a', TREE[0]!.children![0]!.children![0]);
    view.rerender(createElement(StudyTree, { nodes: TREE, onSelect, selectedId: 'a' }));
    expect(item(/^Series Series a/).getAttribute('aria-selected')).toBe('true');
    expect(item(/^Series Series b/).getAttribute('aria-selected')).toBe('false');
  });

  it('is driven by the keyboard: arrows move, right opens, left closes, Enter selects', () => {
    const { onSelect } = renderTree();
    const tree = screen.getByRole('tree', { name: 'Studies' });
    const active = () => document.getElementById(tree.getAttribute('aria-activedescendant')!);
    tree.focus();
    expect(active()?.getAttribute('aria-label')).toMatch(/^Patient/);
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(active()?.getAttribute('aria-label')).toMatch(/^Series Series a/);
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(item(/^Series Series a/).getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    expect(active()?.getAttribute('aria-label')).toBe('Image #1');
    fireEvent.keyDown(tree, { key: 'Enter' });
    expect(onSelect).toHaveBeenLastCalledWith('a/1', expect.objectContaining({ label: '#1' }));
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(active()?.getAttribute('aria-label')).toMatch(/^Series Series a/);
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(item(/^Series Series a/).getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('treeitem', { name: 'Image #1' })).toBeNull();
  });

  it('opens the branches of a selection made elsewhere', () => {
    renderTree({ selectedId: 'a/3' });
    const selected = item(/^Image #3/);
    expect(selected.getAttribute('aria-selected')).toBe('true');
    expect(item(/^Series Series a/).getAttribute('aria-expanded')).toBe('true');
  });

  it('keeps 5,000 instances virtualised and reaches the last one by keyboard', async () => {
    const big: TreeNode[] = [
      {
        id: 'p',
        kind: 'patient',
        label: 'BIG',
        children: [{ id: 's', kind: 'study', label: 'CT', children: [series('ct', 5000)] }],
      },
    ];
    const onSelect = vi.fn();
    render(
      createElement(StudyTree, {
        nodes: big,
        onSelect,
        defaultExpanded: ['patient', 'study', 'series'],
      }),
    );
    expect(item(/^Series Series ct/).getAttribute('aria-label')).toContain('5,000 images');
    const rendered = screen.getAllByRole('treeitem').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);
    const tree = screen.getByRole('tree');
    fireEvent.keyDown(tree, { key: 'End' });
    const last = await waitFor(() => item(/^Image #5000$/));
    expect(tree.getAttribute('aria-activedescendant')).toBe(last.id);
    expect(last.getAttribute('aria-posinset')).toBe('5000');
    fireEvent.keyDown(tree, { key: ' ' });
    expect(onSelect).toHaveBeenCalledWith('ct/5000', expect.anything());
    expect(screen.getAllByRole('treeitem').length).toBeLessThan(80);
  });

  it('lists skipped files with their reason', () => {
    renderTree({
      skipped: [
        { id: '9', name: 'notes.txt', reason: 'not DICOM: no DICM prefix' },
        { id: '10', name: 'scan.pdf', reason: 'not DICOM: no DICM prefix' },
      ],
    });
    expect(screen.getByText(/^2 files skipped: /)).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Skipped files' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['notes.txtnot DICOM: no DICM prefix', 'scan.pdfnot DICOM: no DICM prefix']);
  });
});
