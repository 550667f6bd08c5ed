import { area, axisBottom, axisLeft, line, range, scaleLinear, select } from 'd3';
import type { ScaleLinear } from 'd3';
import { compactCny, compactNumber } from '../../format/amount.js';
import { formatCount } from '../../format/number.js';
import { t } from '../../i18n/t.js';
import { drawRules } from '../marks/render.js';
import type { Chart } from '../useChart.js';
import { formatElapsedTick, thinTickStep, timeTickStep } from './transform.js';
import { textWidth } from './measure.js';
import type { CurveModel, CurvePeak, CurvePoint } from './transform.js';

export type CurveChart = Chart<CurveModel | null>;

/** Root font size in px: the board scales everything by it, so axis text scales with the wall. */
function remPx(el: Element): number {
  const px = parseFloat(getComputedStyle(el.ownerDocument.documentElement).fontSize);
  return Number.isFinite(px) && px > 0 ? px : 16;
}

let gradientIds = 0;

/** The GMV/s line of this year over last year's, on one seconds-since-start axis. */
export function create(el: HTMLElement): CurveChart {
  const gradientId = `curve-fill-${++gradientIds}`;
  const svg = select(el).append('svg').attr('class', 'curve-svg').attr('data-testid', 'curve-svg');
  const grad = svg
    .append('defs')
    .append('linearGradient')
    .attr('id', gradientId)
    .attr('x1', 0)
    .attr('x2', 0)
    .attr('y1', 0)
    .attr('y2', 1);
  grad.append('stop').attr('offset', '0%').attr('stop-color', 'rgb(255 207 90 / 0.35)');
  grad.append('stop').attr('offset', '100%').attr('stop-color', 'rgb(255 207 90 / 0)');
  const yAxis = svg.append('g').attr('class', 'axis axis-y');
  // d3's axis sets this family on every call: set from the start, the labels are measured in it.
  const xAxis = svg.append('g').attr('class', 'axis axis-x').attr('font-family', 'sans-serif');
  // Run-of-show marks under the curves: the data stays on top.
  const rules = svg.append('g').attr('class', 'curve-marks').attr('data-testid', 'curve-marks');
  const fill = svg.append('path').attr('class', 'curve-area').attr('fill', `url(#${gradientId})`);
  const last = svg.append('path').attr('class', 'curve-last-year').attr('data-testid', 'curve-last-year');
  const now = svg.append('path').attr('class', 'curve-this-year').attr('data-testid', 'curve-this-year');
  const marks = svg.append('g').attr('class', 'curve-peaks');

  let model: CurveModel | null = null;
  // The box, the rem and the axis font as of the last resize: reading them on every update would
  // force a style and layout pass in the middle of the frame that applies a tick.
  let w = 0;
  let h = 0;
  let rem = 16;
  let family = 'sans-serif';
  let measured = false;

  function measure(): void {
    w = el.clientWidth;
    h = el.clientHeight;
    rem = remPx(el);
    family = getComputedStyle(xAxis.node()!).fontFamily || 'sans-serif';
    measured = true;
  }

  function draw(): void {
    if (!measured) measure();
    svg.attr('width', w).attr('height', h);
    if (model === null || w === 0 || h === 0) return;
    const fontPx = rem * 0.95;
    const labelWidth = (sec: number) => textWidth(formatElapsedTick(sec), fontPx, family);
    // Room on the right for half of the widest last label ("24h00"), centred on the axis's end.
    const m = {
      top: rem * 0.6,
      right: Math.max(rem * 1.2, labelWidth(model.xMax) / 2 + rem * 0.2),
      bottom: rem * 1.8,
      left: rem * 4.2,
    };
    const x = scaleLinear()
      .domain([0, model.xMax])
      .range([m.left, Math.max(m.left + 1, w - m.right)]);
    // nice() rounds the top up, so the data never touches the frame; the domain comes from the data only.
    const y = scaleLinear()
      .domain([0, model.yMax])
      .nice(4)
      .range([Math.max(m.top + 1, h - m.bottom), m.top]);
    xAxis.attr('transform', `translate(0,${y.range()[0]})`).style('font-size', `${fontPx}px`);
    // The airy density first, then as coarse as the labels' measured widths need: they never touch.
    const [x0, x1] = x.range() as [number, number];
    const step = thinTickStep(
      model.xMax,
      (x1 - x0) / model.xMax,
      labelWidth,
      rem * 0.8,
      timeTickStep(model.xMax, Math.max(2, Math.floor(w / (rem * 8)))),
    );
    xAxis.call(
      axisBottom(x)
        .tickValues(range(0, model.xMax + 1, step))
        .tickFormat((d) => formatElapsedTick(Number(d)))
        .tickSizeOuter(0),
    );
    yAxis
      .attr('transform', `translate(${m.left},0)`)
      .style('font-size', `${rem * 0.95}px`)
      .call(
        axisLeft(y)
          .ticks(4)
          // No "¥0": the x axis is the zero line, and its first time label sits where "¥0" would.
          .tickFormat((d) => (Number(d) === 0 ? '' : `¥${compactNumber(Number(d))}`))
          .tickSize(-(w - m.left - m.right)),
      );
    const toLine = line<CurvePoint>()
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    const toArea = area<CurvePoint>()
      .x((p) => x(p.x))
      .y0(y(0))
      .y1((p) => y(p.y));
    now.attr('d', model.thisYear.length > 0 ? toLine(model.thisYear) : null);
    fill.attr('d', model.thisYear.length > 0 ? toArea(model.thisYear) : null);
    last.attr('d', model.lastYear.length > 0 ? toLine(model.lastYear) : null);
    drawRules(rules, model.marks, {
      px: x,
      top: m.top,
      bottom: y.range()[0]!,
      fontPx: rem * 0.8,
      lanes: 2,
      maxPx: w - m.right,
    });
    drawPeaks(model.peaks, x, y, rem);
    svg.attr('data-y-max', y.domain()[1] ?? 0).attr('data-x-max', model.xMax);
  }

  /**
   * Each peak second: a dot on its GMV/s with a guide down to the axis and a label above. Both
   * peaks in one second share the dot, their labels stacked.
   */
  function drawPeaks(peaks: CurvePeak[], x: ScaleLinear<number, number>, y: ScaleLinear<number, number>, rem: number) {
    const [left, right] = x.range() as [number, number];
    const g = marks
      .selectAll<SVGGElement, CurvePeak>('g.curve-peak')
      .data(peaks, (p) => p.kind)
      .join((enter) => {
        const e = enter.append('g').attr('class', (p) => `curve-peak curve-peak-${p.kind}`);
        e.append('line');
        e.append('circle');
        e.append('text');
        return e;
      })
      .attr('data-testid', (p) => `curve-peak-${p.kind}`)
      .attr('data-second', (p) => p.second);
    const shared = peaks.length === 2 && Math.abs(x(peaks[0]!.x) - x(peaks[1]!.x)) < rem * 6;
    g.select('line')
      .attr('x1', (p) => x(p.x))
      .attr('x2', (p) => x(p.x))
      .attr('y1', y(0))
      .attr('y2', (p) => y(p.y));
    g.select('circle')
      .attr('cx', (p) => x(p.x))
      .attr('cy', (p) => y(p.y))
      .attr('r', rem * 0.3);
    // Stacked labels stand over the higher of the two dots (two seconds close together have two).
    const top = Math.min(...peaks.map((p) => y(p.y)));
    g.select('text')
      .attr('x', (p) => x(p.x))
      .attr('y', (p) => (shared ? top : y(p.y)) - rem * (shared && p.kind === 'orders' ? 1.7 : 0.6))
      // Kept inside the plot: clear of the y axis's labels and of the right edge.
      .attr('text-anchor', (p) => (x(p.x) < left + rem * 6 ? 'start' : x(p.x) > right - rem * 6 ? 'end' : 'middle'))
      .style('font-size', `${rem * 0.85}px`)
      .text((p) =>
        p.kind === 'gmv'
          ? t('curve.peakGmv', { value: compactCny(p.value) })
          : t('curve.peakOrders', { value: formatCount(p.value) }),
      );
  }

  return {
    update(next) {
      // Safe mode: no data (yet, or while reconnecting) keeps what is drawn.
      if (next === null || next === model) return;
      model = next;
      draw();
    },
    resize() {
      measure();
      draw();
    },
    destroy() {
      svg.remove();
      model = null;
    },
  };
}
