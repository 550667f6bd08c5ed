import { request, type Agent } from 'node:http';

/** The server's answer to one POST of orders; `status` "error": no answer (network, timeout). */
export interface Answer {
  status: number | 'error';
  body: string;
  /** The Retry-After header as sent; null when there was none. */
  retryAfter: string | null;
  error?: string;
}

/** What a load process posts to: one server's ingest endpoint, over its own keep-alive agent. */
export interface Poster {
  target: URL;
  agent: Agent;
  token: string;
  /** No answer in this long is an "error" answer. */
  timeoutMs: number;
}

/** Posts one NDJSON body of orders; never rejects: a failure is an "error" answer. */
export function postOrders(to: Poster, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const failed = (e: Error) => resolve({ status: 'error', body: '', retryAfter: null, error: e.message });
    const req = request(
      to.target,
      {
        method: 'POST',
        agent: to.agent,
        timeout: to.timeoutMs,
        headers: {
          'content-type': 'application/x-ndjson',
          'content-length': body.length,
          authorization: `Bearer ${to.token}`,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), retryAfter: ra ?? null });
        });
        res.on('error', failed);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${to.timeoutMs / 1000} s`)));
    req.on('error', failed);
    req.end(body);
  });
}

/** The counts a sender books from the ingest answers it gets. */
export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
  firstError: string | null;
}

/**
 * Adds a 200 answer's counts to `into` and returns the orders it accepted; null (and
 * `firstError`, if it is the first) when the body is not an ingest answer.
 */
export function bookAccepted(into: IngestCounts, body: string): number | null {
  try {
    const json = JSON.parse(body) as { accepted: number; duplicates: number; rejected: unknown[] };
    into.accepted += json.accepted;
    into.duplicates += json.duplicates;
    into.rejected += json.rejected.length;
    return json.accepted;
  } catch {
    into.firstError ??= `200 with a body that is not JSON: ${body.slice(0, 200)}`;
    return null;
  }
}
