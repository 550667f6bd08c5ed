import { DIRECTOR_PATH, type AuditList, type CueMode, type DirectorState } from '../../shared/director.js';
import type { FleetAnswer } from '../../shared/fleet.js';
import type { Scene } from '../../shared/protocol.js';

const TOKEN_KEY = 'gmv-live:director-token';

/** The director's token, given once per tab (sessionStorage: gone when the tab closes). */
export const directorToken = {
  get(): string | null {
    try {
      return window.sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string | null): void {
    try {
      if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
      else window.sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // no storage: the token lives as long as the page
    }
  },
};

/** A refused request: `unauthorized` when the token is not (or no longer) a director's. */
export class DirectorError extends Error {
  constructor(
    message: string,
    readonly unauthorized: boolean,
  ) {
    super(message);
  }
}

/** One request of the console's routes (DIRECTOR_PATH/`path`) with the director's token. */
export async function call<T>(
  token: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${DIRECTOR_PATH}/${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new DirectorError(err?.message ?? res.statusText, res.status === 401);
  }
  return (await res.json()) as T;
}

export const directorApi = {
  state: (token: string) => call<DirectorState>(token, 'GET', 'state'),
  preview: (token: string, scene: Scene) => call<DirectorState>(token, 'POST', 'preview', { scene }),
  // Fastify refuses a JSON content type with an empty body: these carry none.
  act: (token: string, action: 'take' | 'hold' | 'release') => call<DirectorState>(token, 'POST', action),
  arm: (token: string, amount: string, mode: CueMode) => call<DirectorState>(token, 'POST', 'arm', { amount, mode }),
  disarm: (token: string) => call<DirectorState>(token, 'POST', 'disarm'),
  audit: (token: string, limit = 50) => call<AuditList>(token, 'GET', `audit?limit=${limit}`),
  screens: (token: string) => call<FleetAnswer>(token, 'GET', 'screens'),
};
