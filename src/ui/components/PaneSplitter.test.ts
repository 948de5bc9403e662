// @vitest-environment jsdom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaneSplitter } from './PaneSplitter';

afterEach(cleanup);

function splitter(width: number | undefined) {
  const onResize = vi.fn<(width: number) => void>();
  render(
    createElement(PaneSplitter, {
      label: 'Resize the studies panel',
      width,
      min: 240,
      max: 600,
      onResize,
    }),
  );
  return { onResize, bar: screen.getByRole('separator', { name: 'Resize the studies panel' }) };
}

describe('PaneSplitter', () => {
  it('is a focusable vertical window splitter that tells its range and value', () => {
    const { bar } = splitter(320);
    expect(bar.getAttribute('aria-orientation')).toBe('vertical');
    expect(bar.getAttribute('aria-valuemin')).toBe('240');
    expect(bar.getAttribute('aria-valuemax')).toBe('600');
    expect(bar.getAttribute('aria-valuenow')).toBe('320');
    expect(bar.tabIndex).toBe(0);
  });

  it('moves by arrow keys (Shift: four steps), jumps with Home and End, within its range', () => {
    const { bar, onResize } = splitter(320);
    fireEvent.keyDown(bar, { key: 'ArrowRight' });
    fireEvent.keyDown(bar, { key: 'ArrowLeft', shiftKey: true });
    fireEvent.keyDown(bar, { key: 'Home' });
    fireEvent.keyDown(bar, { key: 'End' });
    fireEvent.keyDown(bar, { key: 'Enter' });
    expect(onResize.mock.calls).toEqual([[336], [256], [240], [600]]);
  });

  it('clamps at its ends', () => {
    const low = splitter(250);
    fireEvent.keyDown(low.bar, { key: 'ArrowLeft', shiftKey: true });
    expect(low.onResize).toHaveBeenLastCalledWith(240);
    cleanup();
    const high = splitter(590);
    fireEvent.keyDown(high.bar, { key: 'ArrowRight' });
    expect(high.onResize).toHaveBeenLastCalledWith(600);
  });

  it('starts from the width the layout gave the pane before it, until one is chosen', () => {
    const onResize = vi.fn<(width: number) => void>();
    const pane = createElement('div', {
      ref: (node: HTMLDivElement | null) => {
        if (node) node.getBoundingClientRect = () => ({ width: 300 }) as DOMRect;
      },
    });
    render(
      createElement(
        'div',
        null,
        pane,
        createElement(PaneSplitter, {
          label: 'Resize',
          width: undefined,
          min: 240,
          max: 600,
          onResize,
        }),
      ),
    );
    const bar = screen.getByRole('separator', { name: 'Resize' });
    // Measured from the pane as laid out: a focusable separator always says its value.
    expect(bar.getAttribute('aria-valuenow')).toBe('300');
    fireEvent.keyDown(bar, { key: 'ArrowRight' });
    expect(onResize).toHaveBeenLastCalledWith(316);
  });
});
