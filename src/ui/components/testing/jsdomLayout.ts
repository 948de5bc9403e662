import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/react';

/**
 * jsdom lays nothing out: every box is 0 × 0 and elements cannot scroll. The virtualised lists need a
 * viewport to decide which rows exist, so component tests give every element a fixed client box and
 * a working scrollTo (which, as in a browser, fires `scroll`). Call once per test file.
 */
export function fakeJsdomLayout(size = { width: 800, height: 520 }): void {
  const saved: [object, string, PropertyDescriptor | undefined][] = [];
  const define = (target: object, key: string, descriptor: PropertyDescriptor) => {
    saved.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
    Object.defineProperty(target, key, { configurable: true, ...descriptor });
  };
  beforeEach(() => {
    define(HTMLElement.prototype, 'clientHeight', { get: () => size.height });
    define(HTMLElement.prototype, 'clientWidth', { get: () => size.width });
    define(HTMLElement.prototype, 'offsetHeight', { get: () => size.height });
    define(HTMLElement.prototype, 'offsetWidth', { get: () => size.width });
    // Content height: the tallest child's inline height (a virtual list's spacer sets one).
    define(HTMLElement.prototype, 'scrollHeight', {
      get(this: HTMLElement) {
        const heights = Array.from(this.children, (c) =>
          parseFloat((c as HTMLElement).style.height),
        );
        return Math.max(size.height, ...heights.filter((h) => Number.isFinite(h)));
      },
    });
    // jsdom keeps scrollTop at 0 whatever is assigned; a plain per-element value stands in.
    const scrollTops = new WeakMap<Element, number>();
    define(Element.prototype, 'scrollTop', {
      get(this: Element) {
        return scrollTops.get(this) ?? 0;
      },
      set(this: Element, value: number) {
        scrollTops.set(this, value);
      },
    });
    define(Element.prototype, 'scrollTo', {
      value(this: Element, options: ScrollToOptions | number, y?: number) {
        const top = typeof options === 'number' ? (y ?? 0) : (options.top ?? this.scrollTop);
        this.scrollTop = top;
        this.dispatchEvent(new Event('scroll'));
      },
    });
  });
  afterEach(() => {
    cleanup();
    for (const [target, key, descriptor] of saved.reverse()) {
      if (descriptor) Object.defineProperty(target, key, descriptor);
      else delete (target as Record<string, unknown>)[key];
    }
    saved.length = 0;
  });
}
