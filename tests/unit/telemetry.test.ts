import { describe, expect, it } from 'vitest';
import { Telemetry } from '../../server/telemetry.js';

describe('Telemetry', () => {
  it('delivers events to listeners with their payload', () => {
    const t = new Telemetry();
    const seen: number[] = [];
    t.on('flush', (f) => seen.push(f.rows));
    const phases = { prepareMs: 1, waitMs: 0, barrierMs: 0, engineMs: 2, postMs: 0 };
    t.emit('flush', { rows: 7, duplicates: 1, requests: 2, ms: 3, phases, trigger: 'idle', shows: ['2015'] });
    expect(seen).toEqual([7]);
  });

  it('keeps a throwing listener away from the code that reported, and says so', () => {
    const errors: unknown[] = [];
    const t = new Telemetry((err) => errors.push(err));
    t.on('shed', () => {
      throw new Error('metric broke');
    });
    expect(() => t.emit('shed', 'queue')).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('metric broke');
  });
});
