import type { Selection } from 'd3';

type Value<E, D> = string | number | ((this: E, d: D, i: number) => string | number);

/**
 * d3's attr(), style() and text() for charts redrawn on every tick: each writes only where the value
 * differs from what the element holds. Most of a tick's values (positions, sizes, names) are the
 * last tick's, and a write costs the browser work even when the value is the same.
 */
export function attrIf<E extends Element, D, P extends Element | null, PD>(
  sel: Selection<E, D, P, PD>,
  name: string,
  value: Value<E, D>,
): Selection<E, D, P, PD> {
  return sel.each(function (d, i) {
    const v = String(typeof value === 'function' ? value.call(this, d, i) : value);
    if (this.getAttribute(name) !== v) this.setAttribute(name, v);
  });
}

export function styleIf<E extends SVGElement | HTMLElement, D, P extends Element | null, PD>(
  sel: Selection<E, D, P, PD>,
  name: string,
  value: string,
): Selection<E, D, P, PD> {
  return sel.each(function () {
    if (this.style.getPropertyValue(name) !== value) this.style.setProperty(name, value);
  });
}

export function textIf<E extends Element, D, P extends Element | null, PD>(
  sel: Selection<E, D, P, PD>,
  value: (this: E, d: D, i: number) => string,
): Selection<E, D, P, PD> {
  return sel.each(function (d, i) {
    const v = value.call(this, d, i);
    if (this.textContent !== v) this.textContent = v;
  });
}
