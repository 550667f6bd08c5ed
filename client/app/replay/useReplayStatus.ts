import { useSyncExternalStore } from 'react';
import type { ReplayStatus } from '../../../shared/history.js';
import type { ReplayStatusStore } from '../../live/connectReplay.js';

export function useReplayStatus(store: ReplayStatusStore): ReplayStatus | null {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
