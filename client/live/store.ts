import { initialLiveState, reduceLive } from './state.js';
import type { LiveAction, LiveState } from './state.js';

/** A tiny external store for useSyncExternalStore; `onResync` is how the reducer's request leaves it. */
export interface LiveStore {
  getState(): LiveState;
  subscribe(listener: () => void): () => void;
  dispatch(action: LiveAction): void;
}

export function createLiveStore(onResync: () => void = () => {}, initial: LiveState = initialLiveState): LiveStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(action) {
      const step = reduceLive(state, action);
      if (step.resync) onResync();
      if (step.state === state) return;
      state = step.state;
      for (const l of listeners) l();
    },
  };
}
