import { Type, type TProperties } from 'typebox';
import { ERROR_SCHEMA_ID, type ErrorResponse } from '../../shared/protocol.js';
import type { Show } from '../../shared/show.js';
import { parseTimestamp } from '../../shared/time.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import type { Range } from '../store/ranges.js';

/** A show id in a query (default: the show on air). */
export const showParam = Type.Optional(
  Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'show id (default: the show on air)' }),
);
/** A viewer token or share link in a query, when access is closed (the Authorization header also works). */
export const tokenParam = Type.Optional(
  Type.String({ maxLength: 512, description: 'viewer token or share link, when access is closed' }),
);
/** An instant in a query, checked and parsed by instantOf. */
export function instantParam(description: string) {
  return Type.String({ minLength: 1, maxLength: 64, description: `${description}, RFC 3339 with an offset` });
}

/** A querystring of these parameters, all optional unless the route says so; unknown ones are refused. */
export function query<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** The one error body (GmvError, added to the app in app.ts), typed, by reference. */
const ErrorRef = Type.Unsafe<ErrorResponse>({ $ref: `${ERROR_SCHEMA_ID}#` });

/** Every route's error answers: any 4xx or 5xx carries the one error body. */
export const errorResponses = { '4xx': ErrorRef, '5xx': ErrorRef } as const;

/** Instants the store can hold: DateTime ends early in 2106. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(2106, 0, 1);

/** The configured show with this id (the show on air when absent), or 404. */
export function showOf(config: Config, id: string | undefined): Show {
  const want = id ?? config.liveShow;
  const show = config.shows.find((s) => s.id === want);
  if (!show) throw new Errors.SHOW_UNKNOWN(want);
  return show;
}

/** Parses an RFC 3339 instant with an offset, or 400 naming the parameter. */
export function instantOf(name: string, value: string): number {
  const t = parseTimestamp(value);
  if (!t.ok)
    throw new Errors.REQUEST_INVALID(`${name} must be RFC 3339 with an offset, like 2015-11-11T00:00:00+08:00`);
  if (t.ms < MIN_MS || t.ms >= MAX_MS) throw new Errors.REQUEST_INVALID(`${name} must be between 1970 and 2105`);
  return t.ms;
}

/** The show's window: the event times its orders may have (grace included). */
function windowOf(show: Show): Range {
  return { fromMs: show.startMs - show.graceSeconds * 1000, toMs: show.endMs + show.graceSeconds * 1000 };
}

/**
 * The range [from, to) of a request: the whole window by default; from before to,
 * both inside the show's window, or 400 naming the parameter at fault.
 */
export function rangeOf(show: Show, from: string | undefined, to: string | undefined): Range {
  const w = windowOf(show);
  const r = {
    fromMs: from === undefined ? w.fromMs : instantOf('from', from),
    toMs: to === undefined ? w.toMs : instantOf('to', to),
  };
  const window = `${new Date(w.fromMs).toISOString()} … ${new Date(w.toMs).toISOString()}`;
  if (r.fromMs < w.fromMs || r.fromMs >= w.toMs) {
    throw new Errors.REQUEST_INVALID(`from must be inside the window of show ${show.id}: ${window}`);
  }
  if (r.toMs > w.toMs) throw new Errors.REQUEST_INVALID(`to must be inside the window of show ${show.id}: ${window}`);
  if (r.fromMs >= r.toMs) throw new Errors.REQUEST_INVALID('from must be before to');
  // Ranges are summed in whole seconds (the rollups' grain): one must be left.
  if (Math.floor(r.toMs / 1000) <= Math.floor(r.fromMs / 1000)) {
    throw new Errors.REQUEST_INVALID('to must be at least one whole second after from');
  }
  return r;
}
