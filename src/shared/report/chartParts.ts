import { createElement as h, type ReactElement } from 'react';

/** Colours of the report's charts: readable in colour and, by lightness, in a greyscale print. */
export const CHART_COLORS = ['#1d5fbf', '#e07b00', '#2e7d32', '#8e24aa', '#c62828', '#00838f'] as const;
export const CHART_INK = '#1f2328';
export const CHART_GRID = '#d0d4da';
export const CHART_FONT = 12;

export interface ChartSeries {
  label: string;
  color: string;
}

/** A round upper bound for an axis: 1, 2, 5, 10, 20, 50 … */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * p >= value) return m * p;
  return 10 * p;
}

/** A row of coloured squares naming the series. */
export function legend(series: readonly ChartSeries[], x: number, y: number): ReactElement {
  let cx = x;
  const items = series.map((s, i) => {
    const item = h(
      'g',
      { key: `legend-${i}` },
      h('rect', { x: cx, y: y - 10, width: 10, height: 10, fill: s.color }),
      h('text', { x: cx + 14, y, fontSize: CHART_FONT, fill: CHART_INK }, s.label),
    );
    cx += 24 + s.label.length * CHART_FONT;
    return item;
  });
  return h('g', { className: 'chart-legend' }, ...items);
}
