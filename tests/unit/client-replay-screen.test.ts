import { decodeReplayStatus } from '../../client/live/decode.js';
// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { ReplayScreen } from '../../client/app/replay/ReplayScreen.js';
import type { ReplayConnection } from '../../client/live/connectReplay.js';
import { createLiveStore } from '../../client/live/store.js';
import type { ReplayControl, ReplayStatus } from '../../shared/history.js';
import type { Snapshot } from '../../shared/protocol.js';
import { setupBoardDom } from '../fixtures/dom.js';
import { emptySnapshot } from '../fixtures/snapshot.js';

const START = 1_447_171_200_000;
const HOUR = 3_600_000;

setupBoardDom();

function snapshotAt(asOfMs: number, seq: number): Snapshot {
  return emptySnapshot({ id: '2015', name: 'Gala 2015', startMs: START }, { seq, asOfMs, sentAtMs: 1_000 });
}

/** A replay connection whose server is the test: it records the controls sent. */
function fakeConnection(status: ReplayStatus) {
  const decoded = decodeReplayStatus(status);
  const store = createLiveStore();
  const sent: ReplayControl[] = [];
  const conn: ReplayConnection = {
    store,
    status: { getState: () => decoded, subscribe: () => () => {} },
    create: () => Promise.resolve({ ok: true, status }),
    join: () => Promise.resolve({ ok: true, status }),
    control: (c) => {
      sent.push(c);
      return Promise.resolve({ ok: true, status });
    },
    onRejoinFailed: () => () => {},
    close() {},
  };
  return { conn, store, sent };
}

describe('ReplayScreen', () => {
  it('steps a playing replay from where its frames stand, not from the last once-a-second status', async () => {
    window.history.replaceState(null, '', '/replay?id=r1');
    // Playing at 3600x: the last status said 00:10, the frames have moved an hour on since.
    const status: ReplayStatus = {
      id: 'r1',
      show: '2015',
      fromMs: START,
      toMs: START + 24 * HOUR,
      positionMs: START + 600_000,
      speed: 3600,
      playing: true,
      viewers: 1,
      bookmarks: [],
    };
    const { conn, store, sent } = fakeConnection(status);
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => root.render(createElement(ReplayScreen, { conn })));
    const now = START + 600_000 + HOUR;
    act(() => store.dispatch({ type: 'snapshot', snapshot: snapshotAt(now, 7), atMs: 2_000 }));
    await act(async () => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    });
    expect(sent).toEqual([{ action: 'seek', atMs: now + 1000 }]);
    act(() => root.unmount());
  });
});
