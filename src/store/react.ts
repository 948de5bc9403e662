import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/shallow';
import type { VeilStore } from './createVeilStore';
import type { VeilState } from './state';

const StoreContext = createContext<VeilStore | null>(null);

export function VeilStoreProvider({ store, children }: { store: VeilStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

function useStoreApi(): VeilStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('Veil: a component used the store outside VeilStoreProvider');
  return store;
}

/** Reads through a selector; the component re-renders only when the selected value changes. */
export function useVeil<T>(selector: (state: VeilState) => T): T {
  return useStore(useStoreApi(), selector);
}

/** For selectors that build an object or array of several fields (compared field by field). */
export function useVeilShallow<T extends object>(selector: (state: VeilState) => T): T {
  return useStore(useStoreApi(), useShallow(selector));
}
