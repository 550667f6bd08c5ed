import { CITY_PATTERN } from './order.js';
import { PROVINCE_CODES } from './provinces.js';

/**
 * One merchant of the reference data (MERCHANTS_FILE, `npm run load-merchants`): what the
 * rankings show for its id and where its arcs start. Province and city are '' when not known,
 * lon and lat (degrees, WGS 84) both null when not known.
 */
export interface MerchantRecord {
  id: string;
  name: string;
  province: string;
  city: string;
  lon: number | null;
  lat: number | null;
}

/** Why one merchant was refused: its line (CSV: the file's line; JSON: the array item, 1-based) and field. */
export interface MerchantProblem {
  line: number;
  field: string | null;
  message: string;
}

export type MerchantParse = { ok: true; merchants: MerchantRecord[] } | { ok: false; problems: MerchantProblem[] };

/** The columns (CSV) or keys (JSON) of a merchant; id and name are required. */
export const MERCHANT_FIELDS = ['id', 'name', 'province', 'city', 'lon', 'lat'] as const;
type Field = (typeof MERCHANT_FIELDS)[number];

/** Problems reported before giving up on a file. */
export const MAX_MERCHANT_PROBLEMS = 20;

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const CITY = new RegExp(CITY_PATTERN, 'u');
/** A display name: 1-100 characters, no control characters. */
const NAME = /^[^\p{Cc}]{1,100}$/u;
const NUMBER = /^-?[0-9]{1,3}(\.[0-9]{1,8})?$/;

/**
 * Reads merchant reference data: a JSON array of objects, or CSV with a header naming the
 * columns (any order; `id` and `name` required, `province`, `city`, `lon`, `lat` optional;
 * RFC 4180 quotes, no line breaks inside a field). Every problem names its line and field;
 * an id given twice is a problem at its second line.
 */
export function parseMerchants(text: string): MerchantParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.trimStart().startsWith('[') ? parseJson(body) : parseCsv(body);
}

function parseJson(text: string): MerchantParse {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ line: 1, field: null, message: `not JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(items)) return { ok: false, problems: [{ line: 1, field: null, message: 'not a JSON array' }] };
  const check = new Checker();
  items.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      check.problem(i + 1, null, 'each merchant must be a JSON object');
      return;
    }
    const o = item as Record<string, unknown>;
    const unknown = Object.keys(o).find((k) => !(MERCHANT_FIELDS as readonly string[]).includes(k));
    if (unknown !== undefined) {
      check.problem(i + 1, unknown, `unknown field "${unknown.slice(0, 40)}"`);
      return;
    }
    const fields: Partial<Record<Field, string>> = {};
    for (const f of MERCHANT_FIELDS) {
      const v = o[f];
      if (v === undefined || v === null) continue;
      if (typeof v === 'number' && (f === 'lon' || f === 'lat')) fields[f] = String(v);
      else if (typeof v === 'string') fields[f] = v;
      else {
        check.problem(i + 1, f, `${f} must be a ${f === 'lon' || f === 'lat' ? 'number' : 'string'}`);
        return;
      }
    }
    check.record(i + 1, fields);
  });
  return check.result();
}

function parseCsv(text: string): MerchantParse {
  const lines = text.split('\n');
  const header = splitCsv(lines[0]!.replace(/\r$/, ''));
  if (header === null) return { ok: false, problems: [{ line: 1, field: null, message: 'the header is not CSV' }] };
  const columns = header.map((h) => h.trim().toLowerCase());
  for (const c of columns) {
    if (!(MERCHANT_FIELDS as readonly string[]).includes(c)) {
      return { ok: false, problems: [{ line: 1, field: c, message: `unknown column "${c.slice(0, 40)}"` }] };
    }
  }
  for (const c of ['id', 'name'] as const) {
    if (!columns.includes(c))
      return { ok: false, problems: [{ line: 1, field: c, message: `the header has no ${c}` }] };
  }
  if (new Set(columns).size !== columns.length) {
    return { ok: false, problems: [{ line: 1, field: null, message: 'a column is named twice in the header' }] };
  }
  const check = new Checker();
  for (let i = 1; i < lines.length && !check.full; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const cells = splitCsv(line);
    if (cells === null) {
      check.problem(i + 1, null, 'a quoted field is not closed on its line');
      continue;
    }
    if (cells.length !== columns.length) {
      check.problem(i + 1, null, `${cells.length} fields where the header has ${columns.length}`);
      continue;
    }
    const fields: Partial<Record<Field, string>> = {};
    columns.forEach((c, j) => {
      if (cells[j] !== '') fields[c as Field] = cells[j];
    });
    check.record(i + 1, fields);
  }
  return check.result();
}

/** The fields of one CSV line (RFC 4180 quotes), or null when a quote is not closed. */
export function splitCsv(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++; // the comma
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** Checks records one by one, keeps the good ones and the first problems. */
class Checker {
  private readonly merchants: MerchantRecord[] = [];
  private readonly problems: MerchantProblem[] = [];
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.problems.length >= MAX_MERCHANT_PROBLEMS;
  }

  problem(line: number, field: string | null, message: string): void {
    if (!this.full) this.problems.push({ line, field, message });
  }

  record(line: number, f: Partial<Record<Field, string>>): void {
    const bad = (field: Field, message: string) => this.problem(line, field, message);
    if (f.id === undefined) return bad('id', 'id is required');
    if (!ID.test(f.id))
      return bad('id', "id must be 1-64 characters of A-Z a-z 0-9 . _ : - (as an order's merchant_id)");
    if (this.seen.has(f.id)) return bad('id', `id "${f.id}" appears more than once`);
    if (f.name === undefined) return bad('name', 'name is required');
    const name = f.name.trim();
    if (!NAME.test(name)) return bad('name', 'name must be 1-100 characters without control characters');
    const province = f.province?.trim() ?? '';
    if (province !== '' && !PROVINCE_CODES.has(province)) {
      return bad('province', 'province must be a GB/T 2260 province code such as 33');
    }
    const city = f.city?.trim() ?? '';
    if (city !== '' && !CITY.test(city)) {
      return bad('city', "city must be 1-48 letters, digits, spaces and . ' · -");
    }
    const lon = coordinate(f.lon, 180);
    if (lon === undefined) return bad('lon', 'lon must be a number of degrees from -180 to 180');
    const lat = coordinate(f.lat, 90);
    if (lat === undefined) return bad('lat', 'lat must be a number of degrees from -90 to 90');
    if ((lon === null) !== (lat === null)) return bad(lon === null ? 'lon' : 'lat', 'lon and lat go together');
    this.seen.add(f.id);
    this.merchants.push({ id: f.id, name, province, city, lon, lat });
  }

  result(): MerchantParse {
    return this.problems.length > 0 ? { ok: false, problems: this.problems } : { ok: true, merchants: this.merchants };
  }
}

/** Degrees from text: null when absent, undefined when malformed or beyond ±limit. */
function coordinate(text: string | undefined, limit: number): number | null | undefined {
  if (text === undefined || text.trim() === '') return null;
  const t = text.trim();
  if (!NUMBER.test(t)) return undefined;
  const v = Number(t);
  return Math.abs(v) <= limit ? v : undefined;
}

/** A problem as one line of text: `line 12, field lat: ...`. */
export function describeProblem(p: MerchantProblem): string {
  return `line ${p.line}${p.field === null ? '' : `, field ${p.field}`}: ${p.message}`;
}
