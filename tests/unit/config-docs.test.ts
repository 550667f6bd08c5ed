import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, envExample, envTable, configurationTable } from '../../server/env-docs.js';
import { EnvSchema } from '../../server/env.js';

const readme = readFileSync('README.md', 'utf8');
const doc = readFileSync(CONFIGURATION_DOC, 'utf8');
const example = readFileSync('.env.example', 'utf8');
const variables = Object.keys(EnvSchema.properties);

/** The variable names of a Markdown table's first column. */
function tableNames(table: string): string[] {
  return [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

describe('configuration docs against EnvSchema', () => {
  it("docs/configuration.md's table documents every variable of the schema, and only those", () => {
    const table = configurationTable(doc);
    expect(table, 'docs/configuration.md has its table between the prettier-ignore markers').not.toBeNull();
    expect(tableNames(table!)).toEqual(variables);
  });

  it("docs/configuration.md's table is the one the schema prints (node --import tsx scripts/env-docs.ts --write)", () => {
    expect(configurationTable(doc)).toBe(envTable().trim());
    // The README points there.
    expect(readme).toContain('(docs/configuration.md)');
  });

  it('.env.example sets out every variable at its default, as the schema prints it', () => {
    const names = [...example.matchAll(/^# ([A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(names).toEqual(variables);
    expect(example).toBe(envExample());
    // Sourcing the file as it is changes nothing: every setting stays commented out.
    expect(example.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([]);
  });

  it('prints each default as the variable would be written', () => {
    for (const [name, schema] of Object.entries(EnvSchema.properties)) {
      const line = new RegExp(`^# ${name}=(.*)$`, 'm').exec(envExample())![1]!;
      const d = (schema as { default?: unknown }).default;
      const expected = d === undefined ? '' : Array.isArray(d) ? d.join(',') : d === false ? '0' : String(d);
      expect(line, name).toBe(expected);
    }
  });

  it('keeps README.md within 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });
});
