import { useSyncExternalStore } from 'react';
import type { LiveState } from './state.js';
import type { LiveStore } from './store.js';

export function useLive(store: LiveStore): LiveState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
