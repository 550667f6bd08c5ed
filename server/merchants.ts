import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { describeProblem, parseMerchants, type MerchantRecord } from '../shared/merchants.js';
import { MerchantDirectory } from './domain/merchants.js';
import type { StoreHandle } from './store/client.js';
import { insertMerchants, merchantsVersion, readMerchants } from './store/merchants.js';

/** A merchants file that cannot be read or has bad rows: its message names the file, line and field. */
export class MerchantsFileError extends Error {}

/** The merchants of a CSV or JSON file; throws MerchantsFileError listing the first problems. */
export function readMerchantsFile(file: string): MerchantRecord[] {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw new MerchantsFileError(`${file}: ${(err as Error).message}`);
  }
  const r = parseMerchants(text);
  if (!r.ok) throw new MerchantsFileError(`${file}: ${r.problems.map(describeProblem).join('; ')}`);
  return r.merchants;
}

/**
 * At the live node's start: stores MERCHANTS_FILE when set (a bad row stops the start, naming
 * its line and field), then reads every stored merchant (from this file or `npm run
 * load-merchants`) into the board's directory. Null when there are none.
 */
export async function startMerchants(
  store: StoreHandle,
  file: string | null,
  log: Logger,
): Promise<MerchantDirectory | null> {
  if (file !== null) {
    const merchants = readMerchantsFile(file);
    await insertMerchants(store, merchants, Date.now());
    log.info({ file, merchants: merchants.length }, 'merchants file stored');
  }
  const stored = await readMerchants(store);
  if (stored.length === 0) return null;
  const located = stored.reduce((n, m) => n + (m.lon === null ? 0 : 1), 0);
  log.info({ merchants: stored.length, located }, 'merchants read');
  return new MerchantDirectory(stored);
}

/** How often the live node looks for merchants loaded meanwhile (`npm run load-merchants` on a ClickHouse server). */
export const MERCHANTS_POLL_MS = 60_000;

/**
 * Keeps the board's directory in step with the store: `check()` reads the merchants again when
 * their count or latest load changed (one small query otherwise); `start()` checks every
 * MERCHANTS_POLL_MS until `stop()`. A failed read keeps the directory it had.
 */
export function merchantsWatch(
  store: StoreHandle,
  apply: (directory: MerchantDirectory | null) => void,
  log: Logger,
): { check: () => Promise<boolean>; start: () => void; stop: () => void } {
  let seen: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const check = async (): Promise<boolean> => {
    const version = await merchantsVersion(store);
    if (version === seen) return false;
    const first = seen === null;
    seen = version;
    if (first) return false;
    const stored = await readMerchants(store);
    apply(stored.length === 0 ? null : new MerchantDirectory(stored));
    log.info({ merchants: stored.length }, 'merchants read again');
    return true;
  };
  return {
    check,
    start: () => {
      timer ??= setInterval(() => {
        check().catch((err: unknown) => log.warn({ err }, 'merchants not read'));
      }, MERCHANTS_POLL_MS);
      timer.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
