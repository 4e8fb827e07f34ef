import { createElement as h, type ReactElement } from 'react';
import { CHART_FONT, CHART_GRID, CHART_INK, legend, niceMax, type ChartSeries } from './chartParts.js';

export interface HBarRow {
  label: string;
  values: readonly number[];
  /** data-testid of the row's group (screen tests read the numbers from data-values). */
  testId?: string;
}

interface Props {
  title: string;
  series: readonly ChartSeries[];
  rows: readonly HBarRow[];
  width?: number;
  labelWidth?: number;
}

/**
 * Horizontal bars, one group per row and one bar per series, each with its number at the end.
 * Plain SVG from React elements (no DOM access), so the station screen and the PDF render the same
 * component: the screen with react-dom, the PDF with react-dom/server in Node.
 */
export function HBarChart({ title, series, rows, width = 640, labelWidth = 150 }: Props): ReactElement {
  const bar = 14;
  const gap = 3;
  const rowHeight = series.length * (bar + gap) + 8;
  const top = series.length > 1 ? 22 : 6;
  const height = top + rows.length * rowHeight + 4;
  const plot = width - labelWidth - 46;
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => r.values)));
  const children: ReactElement[] = [h('title', { key: 'title' }, title)];
  if (series.length > 1) children.push(h('g', { key: 'legend' }, legend(series, labelWidth, 14)));
  children.push(h('line', { key: 'axis', x1: labelWidth, x2: labelWidth, y1: top - 2, y2: height - 2, stroke: CHART_GRID }));
  rows.forEach((row, i) => {
    const y0 = top + i * rowHeight;
    const parts: ReactElement[] = [
      h('text', { key: 'label', x: labelWidth - 8, y: y0 + (series.length * (bar + gap)) / 2 + 4, fontSize: CHART_FONT, fill: CHART_INK, textAnchor: 'end' }, row.label),
    ];
    series.forEach((s, j) => {
      const v = row.values[j] ?? 0;
      const w = (v / max) * plot;
      const y = y0 + j * (bar + gap);
      parts.push(h('rect', { key: `bar-${j}`, x: labelWidth, y, width: Math.max(v > 0 ? 2 : 0, w), height: bar, fill: s.color }));
      parts.push(h('text', { key: `value-${j}`, x: labelWidth + w + 4, y: y + bar - 3, fontSize: CHART_FONT, fill: CHART_INK }, String(v)));
    });
    children.push(h('g', { key: `row-${i}`, 'data-testid': row.testId, 'data-values': row.values.join(',') }, ...parts));
  });
  return h('svg', { className: 'report-chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title, preserveAspectRatio: 'xMinYMin meet' }, ...children);
}
