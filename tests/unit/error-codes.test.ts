import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsErrorTable, errorTable } from '../../scripts/lib/error-docs.js';
import { Errors } from '../../server/errors.js';
import { ERRORS, isErrorCode, type ErrorCode, type ErrorCodes } from '../../shared/errors.js';

const CODE = /GMV_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*/g;
const codes = Object.keys(ERRORS);
const api = readFileSync('docs/api.md', 'utf8');

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Each `GMV_ERR_*` string of server/, shared/ and client/ with the files it appears in (shared/errors.ts aside). */
function codesInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of ['server', 'shared', 'client'].flatMap(files)) {
    if (file === join('shared', 'errors.ts')) continue;
    for (const [code] of readFileSync(file, 'utf8').matchAll(CODE)) {
      found.set(code, [...(found.get(code) ?? []), file]);
    }
  }
  return found;
}

describe('shared/errors.ts, the one table of error codes', () => {
  it('lists every GMV_ERR_* string of server/, shared/ and client/', () => {
    const unlisted = [...codesInSource()].filter(([code]) => !isErrorCode(code));
    expect(unlisted).toEqual([]);
  });

  it('lists only codes something in server/, shared/ or client/ uses', () => {
    const used = codesInSource();
    expect(codes.filter((code) => !used.has(code))).toEqual([]);
  });

  it('gives each code a status of an HTTP answer and a one-line meaning', () => {
    for (const [code, { status, about }] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^GMV_ERR_[A-Z0-9_]+$/);
      expect([200, 400, 401, 404, 408, 409, 413, 415, 429, 431, 500, 503, 504], code).toContain(status);
      expect(about, code).toMatch(/^[^\n|]{10,100}$/);
    }
  });

  it('isErrorCode(code) accepts the table and nothing else', () => {
    expect(codes.every(isErrorCode)).toBe(true);
    for (const other of ['GMV_ERR_', 'GMV_ERR_NOPE', 'FST_ERR_VALIDATION', 'toString', '__proto__', 7, null]) {
      expect(isErrorCode(other), String(other)).toBe(false);
    }
  });

  it("server/errors.ts's classes answer with the code's status in the table", () => {
    for (const [name, E] of Object.entries(Errors)) {
      const err = new E('x');
      expect(isErrorCode(err.code), name).toBe(true);
      expect(err.statusCode, name).toBe(ERRORS[err.code as ErrorCode].status);
    }
  });

  it('refuses at compile time a code the table does not list', () => {
    // tsc (npm run typecheck) checks these lines: an unlisted code is a type error.
    // @ts-expect-error -- misspelt
    const misspelt: ErrorCode = 'GMV_ERR_AMOUNT_FROMAT';
    // @ts-expect-error -- not in the table
    type Unlisted = ErrorCodes<'GMV_ERR_TS_TYPE' | 'GMV_ERR_NOPE'>;
    const listed: ErrorCodes<'GMV_ERR_TS_TYPE'> = 'GMV_ERR_TS_TYPE';
    expect([misspelt, listed satisfies Unlisted].map(isErrorCode)).toEqual([false, true]);
  });
});

describe("docs/api.md's table of every code", () => {
  it('is the one shared/errors.ts prints (node --import tsx scripts/error-docs.ts --write)', () => {
    expect(docsErrorTable(api), 'docs/api.md has its error codes markers').toBe(errorTable());
  });

  it("lists exactly the table's codes, in its order, with the same statuses", () => {
    const rows = [...(docsErrorTable(api) ?? '').matchAll(/^\| (\d{3}) \| `(GMV_ERR_\w+)` \|/gm)];
    expect(rows.map(([, status, code]) => [code, Number(status)])).toEqual(
      Object.entries(ERRORS).map(([code, e]) => [code, e.status]),
    );
  });

  it("names no code the table lacks, and gives any code a status only as the table's", () => {
    for (const [code] of api.matchAll(CODE)) expect(isErrorCode(code), code).toBe(true);
    // `413 GMV_ERR_X` in prose and `| 413 | \`GMV_ERR_X\`` in the other tables.
    const stated = [...api.matchAll(/\b(\d{3})(?: |\s*\|\s*`)(GMV_ERR_\w+)/g)];
    expect(stated.length).toBeGreaterThan(codes.length);
    for (const [, status, code] of stated) expect(Number(status), code).toBe(ERRORS[code as ErrorCode].status);
  });
});
