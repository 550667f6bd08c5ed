import { useEffect, useMemo } from 'react';
import type { MarkList } from '../../../shared/marks.js';
import { createMarksStore, marksPath, type MarksStore } from '../../live/marks.js';
import { apiGet } from '../api.js';

/**
 * The run-of-show marks of the replayed show, read once per show over HTTP (a replay's socket
 * carries no marks): for the timeline and the board's curve. A failed read leaves no marks drawn.
 */
export function useShowMarks(show: string | null): MarksStore {
  const store = useMemo(() => createMarksStore(), []);
  useEffect(() => {
    if (show === null) return;
    let current = true;
    apiGet<MarkList>(marksPath(show)).then(
      (list) => {
        if (current) store.set(list);
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [show, store]);
  return store;
}
