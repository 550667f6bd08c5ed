// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dayRows, formatRefundRate } from '../../client/app/exec/days.js';
import { NetByDay } from '../../client/app/exec/NetByDay.js';
import type { DaysResponse } from '../../shared/history.js';
import { setupBoardDom } from '../fixtures/dom.js';

setupBoardDom();

const body: DaysResponse = {
  days: [
    {
      show: '2015',
      name: '11.11 2015',
      start: '2015-11-10T16:00:00.000Z',
      end: '2015-11-11T16:00:00.000Z',
      live: true,
      gross: { gmv: '101917000000000.06', orders: 10 },
      refunds: { gmv: '2917000000000.05', orders: 3 },
      lateRefunds: { gmv: '2000000000000.00', orders: 2 },
      net: { gmv: '99000000000000.01', orders: 7 },
      refundRate: 2917000000000.05 / 101917000000000.06,
    },
    {
      show: '2014',
      name: '11.11 2014',
      start: '2014-11-10T16:00:00.000Z',
      end: '2014-11-11T16:00:00.000Z',
      live: false,
      gross: { gmv: '0.00', orders: 0 },
      refunds: { gmv: '0.00', orders: 0 },
      lateRefunds: { gmv: '0.00', orders: 0 },
      net: { gmv: '0.00', orders: 0 },
      refundRate: null,
    },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('dayRows(body)', () => {
  it('reads each day exactly, past 2^53 fen too', () => {
    const [d2015, d2014] = dayRows(body);
    expect(d2015).toMatchObject({
      show: '2015',
      live: true,
      netFen: 9_900_000_000_000_001n,
      refundRate: body.days[0]!.refundRate,
    });
    expect(d2014).toMatchObject({ show: '2014', netFen: 0, refundRate: null });
  });

  it('leaves out a day whose amounts do not read, and answers nothing for another shape', () => {
    const broken = { days: [{ ...body.days[0]!, net: { gmv: 'lots', orders: 1 } }, body.days[1]!] };
    expect(dayRows(broken).map((d) => d.show)).toEqual(['2014']);
    expect(dayRows([])).toEqual([]);
    expect(dayRows(null)).toEqual([]);
  });
});

describe('formatRefundRate(rate)', () => {
  it('shows a percentage with two decimals, or a dash without sales', () => {
    expect(formatRefundRate(0.031978)).toBe('3.20%');
    expect(formatRefundRate(0)).toBe('0.00%');
    expect(formatRefundRate(null)).toBe('—');
  });
});

describe('NetByDay', () => {
  it('lists each day with its net GMV, refunds, refund rate and refunds after the day', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(body), { status: 200 })),
    );
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => root.render(createElement(NetByDay)));
    const rows = [...el.querySelectorAll('[data-testid="exec-day"]')];
    expect(rows.map((r) => [r.getAttribute('data-show'), r.getAttribute('data-net')])).toEqual([
      ['2015', '99000000000000.01'],
      ['2014', '0.00'],
    ]);
    expect(rows.map((r) => r.querySelector('[data-testid="exec-day-rate"]')!.getAttribute('data-rate'))).toEqual([
      '2.86%',
      '—',
    ]);
    expect(rows[0]!.textContent).toContain('refund rate 2.86%');
    expect(rows[0]!.textContent).toContain('¥2,000,000,000,000.00 of them after the day');
    expect(rows[1]!.textContent).not.toContain('after the day');
    act(() => root.unmount());
    el.remove();
  });
});
