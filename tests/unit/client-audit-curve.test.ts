import { describe, expect, it } from 'vitest';
import { auditCurve } from '../../client/app/audit/curve.js';

const T0 = Date.UTC(2015, 10, 10, 16);
const row = (min: number, gmv: string) => ({
  t: new Date(T0 + min * 60_000).toISOString(),
  orders: 1,
  gmv,
  refunds: 0,
  refundGmv: '0.00',
  netGmv: gmv,
});

describe('auditCurve(rows, from, to, width, height)', () => {
  it('draws the running gross from the bottom left to the top at the last step', () => {
    const c = auditCurve([row(0, '1.00'), row(30, '3.00')], T0, T0 + 60 * 60_000, 600, 100);
    expect(c.path).toBe('M0.0,100.0L0.0,75.0L300.0,0.0');
  });

  it('maps a click to an instant of the show and back, clamped to the box', () => {
    const c = auditCurve([], T0, T0 + 60 * 60_000, 600, 100);
    expect(c.instantAt(150)).toBe(T0 + 15 * 60_000);
    expect(c.instantAt(-10)).toBe(T0);
    expect(c.instantAt(900)).toBe(T0 + 60 * 60_000);
    expect(c.xOf(T0 + 45 * 60_000)).toBe(450);
  });
});
