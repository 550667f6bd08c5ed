import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../shared/order.js';
import type { OrderClaims, Verdict } from '../../server/ingest/claims.js';
import { IngestWriter, type CommittedBatch } from '../../server/ingest/writer.js';
import type { StoreHandle } from '../../server/store/client.js';

function sale(id: string): Order {
  return {
    show: '2015',
    order_id: id,
    type: 'sale',
    ts: 1_447_171_200_000,
    amount_fen: 100,
    currency: 'CNY',
    gmv_fen: 100,
    country: 'CN',
    channel: 'pc',
    category: 'other',
    merchant_id: 'm1',
  };
}

/** A store whose INSERTs wait until the test lets them through, one by one. */
function heldStore() {
  const inserts: { ids: string[]; release: (err?: Error) => void }[] = [];
  const events: string[] = [];
  const store = {
    db: 'gmv',
    kind: 'chdb',
    cluster: null,
    rawInsert: (params: { values: Buffer | Uint8Array | string }) =>
      new Promise<void>((resolve, reject) => {
        const ids = String(params.values)
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split('\t')[1]!);
        events.push(`insert ${ids.join(',')}`);
        inserts.push({ ids, release: (err) => (err ? reject(err) : resolve()) });
      }),
  } as unknown as StoreHandle;
  return { store, inserts, events };
}

/** Claims by the OrderClaims contract: stored keys are duplicates, claimed ones busy until settled. */
function memoryClaims(events: string[]): OrderClaims {
  const stored = new Set<string>();
  const held = new Set<string>();
  const key = (o: Order) => `${o.show} ${o.order_id} ${o.type}`;
  return {
    claim: async (orders) => {
      events.push(`claim ${orders.map((o) => o.order_id).join(',')}`);
      return orders.map((o): Verdict => {
        if (stored.has(key(o))) return 'duplicate';
        if (held.has(key(o))) return 'busy';
        held.add(key(o));
        return 'new';
      });
    },
    commit: async (orders) => {
      for (const o of orders) {
        held.delete(key(o));
        stored.add(key(o));
      }
    },
    release: async (orders) => {
      for (const o of orders) held.delete(key(o));
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

function writer(store: StoreHandle, claims: OrderClaims, eagerRows = 1): IngestWriter {
  return new IngestWriter({
    store,
    claims,
    log: pino({ level: 'silent' }),
    maxPending: 1000,
    maxFlush: 1000,
    eagerRows,
  });
}

describe('IngestWriter', () => {
  it('decides and encodes the next batch while an INSERT is in flight, and commits them in order', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    const commits: string[] = [];
    w.on('committed', (b: CommittedBatch) => commits.push(b.orders.map((o) => o.order_id).join(',')));
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    const b = w.submit([sale('b')]);
    // b's dedup runs while a's INSERT is still in the engine; its INSERT waits for a's.
    await until(() => events.includes('claim b'));
    expect(inserts).toHaveLength(1);
    inserts[0]!.release();
    await expect(a).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await until(() => inserts.length === 2);
    inserts[1]!.release();
    await expect(b).resolves.toEqual({ accepted: 1, duplicates: 0 });
    expect(commits).toEqual(['a', 'b']);
    expect(events).toEqual(['claim a', 'insert a', 'claim b', 'insert b']);
  });

  it('refuses as busy an order whose INSERT is in flight, and counts it once when sent again', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    const first = w.submit([sale('x')]);
    await until(() => inserts.length === 1);
    const again = w.submit([sale('x'), sale('y')]);
    await until(() => events.includes('claim x,y'));
    inserts[0]!.release();
    await expect(first).resolves.toEqual({ accepted: 1, duplicates: 0 });
    await expect(again).rejects.toMatchObject({ name: 'ClaimedElsewhereError' });
    // Nothing of the refused request was written on its behalf.
    expect(inserts).toHaveLength(1);
    const resent = w.submit([sale('x'), sale('y')]);
    await until(() => inserts.length === 2);
    expect(inserts[1]!.ids).toEqual(['y']);
    inserts[1]!.release();
    await expect(resent).resolves.toEqual({ accepted: 1, duplicates: 1 });
  });

  it('tells a sale from its refund and counts each repeat within a batch once', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    const refund: Order = { ...sale('r1'), type: 'refund' };
    const other: Order = { ...sale('r1'), show: '2014' };
    const done = w.submit([refund, sale('r1'), refund, sale('r1'), other, other, sale('r2')]);
    await until(() => inserts.length === 1);
    expect(events[0]).toBe('claim r1,r1,r1,r2');
    inserts[0]!.release();
    await expect(done).resolves.toEqual({ accepted: 4, duplicates: 3 });
  });

  it('runs its barriers with no INSERT in flight, before each write', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    w.addBarrier(
      () => true,
      async () => {
        events.push(`barrier (${inserts.filter((i) => i.ids.length > 0).length - released} in flight)`);
      },
    );
    let released = 0;
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    const b = w.submit([sale('b')]);
    await until(() => events.includes('claim b'));
    inserts[0]!.release();
    released++;
    await a;
    await until(() => inserts.length === 2);
    inserts[1]!.release();
    await b;
    expect(events.filter((e) => e.startsWith('barrier'))).toEqual(['barrier (0 in flight)', 'barrier (0 in flight)']);
  });

  it('lets a small batch wait for the INSERT in flight and join what arrives meanwhile', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events), 20_000);
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    const rest = [w.submit([sale('b')]), w.submit([sale('c')])];
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['claim a', 'insert a']);
    inserts[0]!.release();
    await a;
    await until(() => inserts.length === 2);
    expect(inserts[1]!.ids).toEqual(['b', 'c']);
    inserts[1]!.release();
    await Promise.all(rest);
  });

  it('starts the next INSERT while the one before still hands on its commit, and keeps commits in order', async () => {
    const { store, inserts, events } = heldStore();
    const claims = memoryClaims(events);
    let letCommit!: () => void;
    const commitHeld = new Promise<void>((r) => (letCommit = r));
    const commit = claims.commit;
    claims.commit = async (orders) => {
      if (orders.some((o) => o.order_id === 'a')) await commitHeld;
      await commit(orders);
    };
    const w = writer(store, claims);
    const commits: string[] = [];
    w.on('committed', (b: CommittedBatch) => commits.push(b.orders.map((o) => o.order_id).join(',')));
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    const b = w.submit([sale('b')]);
    await until(() => events.includes('claim b'));
    inserts[0]!.release();
    // a's commit is still being handed on, and b is already in the engine.
    await until(() => inserts.length === 2);
    inserts[1]!.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(commits).toEqual([]);
    letCommit();
    await Promise.all([a, b]);
    expect(commits).toEqual(['a', 'b']);
  });

  it('runs a needed barrier only after every earlier commit was handed on', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    let stale = false;
    w.on('committed', (b: CommittedBatch) => events.push(`committed ${b.orders.map((o) => o.order_id).join(',')}`));
    w.addBarrier(
      () => stale,
      async () => {
        events.push('rebuild');
        stale = false;
      },
    );
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    stale = true;
    const b = w.submit([sale('b')]);
    await until(() => events.includes('claim b'));
    inserts[0]!.release();
    await until(() => inserts.length === 2);
    inserts[1]!.release();
    await Promise.all([a, b]);
    expect(events).toEqual(['claim a', 'insert a', 'claim b', 'committed a', 'rebuild', 'insert b', 'committed b']);
  });

  it('answers stored orders as accepted and keeps writing when noting a commit fails', async () => {
    const { store, inserts, events } = heldStore();
    const claims = memoryClaims(events);
    const commit = claims.commit;
    claims.commit = async (orders) => {
      await commit(orders);
      if (orders.some((o) => o.order_id === 'a')) throw new Error('registry gone');
    };
    const w = writer(store, claims);
    w.on('committed', () => {
      throw new Error('a listener broke');
    });
    const seen: string[] = [];
    w.on('committed', (b: CommittedBatch) => seen.push(b.orders.map((o) => o.order_id).join(',')));
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    inserts[0]!.release();
    await expect(a).resolves.toEqual({ accepted: 1, duplicates: 0 });
    const b = w.submit([sale('b')]);
    await until(() => inserts.length === 2);
    inserts[1]!.release();
    await expect(b).resolves.toEqual({ accepted: 1, duplicates: 0 });
    // A throwing listener does not keep the others from hearing of each commit.
    expect(seen).toEqual(['a', 'b']);
    await w.drain();
    expect(w.pending).toBe(0);
  });

  it('acknowledges nothing of a failed INSERT and reports the failure downstream', async () => {
    const { store, inserts, events } = heldStore();
    const w = writer(store, memoryClaims(events));
    const failed: string[][] = [];
    w.on('failed', (shows) => failed.push([...shows]));
    const a = w.submit([sale('a')]);
    await until(() => inserts.length === 1);
    inserts[0]!.release(new Error('engine refused'));
    await expect(a).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    expect(failed).toEqual([['2015']]);
    expect(w.pending).toBe(0);
  });
});
