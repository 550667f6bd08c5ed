import { useSyncExternalStore } from 'react';
import type { ReplayStatusStore } from '../../live/connectReplay.js';
import type { FenReplayStatus } from '../../live/decode.js';

export function useReplayStatus(store: ReplayStatusStore): FenReplayStatus | null {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
