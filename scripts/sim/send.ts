/** What the server answered, summed over a run. */
export interface SendTotals {
  batches: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
}

/** Retries of one batch before the run gives up (about two minutes of back-off). */
const MAX_ATTEMPTS = 120;

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

/**
 * Posts NDJSON batches with a bounded number in flight. A batch that fails (503,
 * 429, network) is sent again after Retry-After: the server counts it once.
 */
export class Sender {
  readonly totals: SendTotals = { batches: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0 };
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly concurrency = 4,
  ) {}

  /** Queues a batch; resolves once a slot is free (not when the batch is answered). */
  async send(lines: readonly string[]): Promise<void> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
    void this.post(lines).finally(() => {
      this.inFlight--;
      this.waiters.shift()?.();
    });
  }

  /** Waits until every batch has been answered. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiters.push(r));
  }

  private async post(lines: readonly string[]): Promise<void> {
    const body = lines.join('\n') + '\n';
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.url}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${this.token}` },
          body,
        });
        if (res.ok) {
          const a = (await res.json()) as IngestAnswer;
          this.totals.batches++;
          this.totals.sent += lines.length;
          this.totals.accepted += a.accepted;
          this.totals.duplicates += a.duplicates;
          this.totals.rejected += a.rejected.length;
          return;
        }
        if (res.status !== 429 && res.status !== 503) {
          throw new Error(`server answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        }
        await res.body?.cancel();
        if (attempt > MAX_ATTEMPTS) throw new Error(`server answered ${res.status} ${attempt} times in a row`);
        await sleep(Number(res.headers.get('retry-after') ?? '1') * 1000);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('server answered')) throw err;
        if (attempt > MAX_ATTEMPTS) throw err;
        await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 4)));
      }
      this.totals.retries++;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
