import { createElement as h, type ReactElement } from 'react';
import { CHART_FONT, CHART_GRID, CHART_INK, legend, niceMax, type ChartSeries } from './chartParts.js';

interface Props {
  title: string;
  hours: readonly number[];
  series: readonly (ChartSeries & { values: readonly number[] })[];
  hourSuffix: string;
  width?: number;
}

/** Vertical bars per local hour, one bar per series (stations' photos, check-ins), numbers on top. */
export function HourlyChart({ title, hours, series, hourSuffix, width = 640 }: Props): ReactElement {
  const height = 220;
  const left = 34;
  const right = 8;
  const top = 30;
  const bottom = 24;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const groupW = plotW / Math.max(1, hours.length);
  const barW = Math.max(3, (groupW - 6) / Math.max(1, series.length));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const children: ReactElement[] = [h('title', { key: 'title' }, title), h('g', { key: 'legend' }, legend(series, left, 14))];
  // Counts of people: only whole-number ticks.
  for (const tick of max % 2 === 0 ? [0, max / 2, max] : [0, max]) {
    children.push(
      h(
        'g',
        { key: `tick-${tick}` },
        h('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: CHART_GRID }),
        h('text', { x: left - 4, y: y(tick) + 4, fontSize: CHART_FONT - 1, fill: CHART_INK, textAnchor: 'end' }, String(tick)),
      ),
    );
  }
  hours.forEach((hour, i) => {
    const gx = left + i * groupW + 3;
    const bars: ReactElement[] = [];
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const x = gx + j * barW;
      bars.push(h('rect', { key: `b-${j}`, x, y: y(v), width: barW - 1, height: top + plotH - y(v), fill: s.color }));
      bars.push(h('text', { key: `v-${j}`, x: x + (barW - 1) / 2, y: y(v) - 3, fontSize: CHART_FONT - 2, fill: CHART_INK, textAnchor: 'middle' }, String(v)));
    });
    children.push(
      h(
        'g',
        { key: `hour-${hour}`, 'data-hour': hour, 'data-values': series.map((s) => s.values[i] ?? 0).join(',') },
        ...bars,
        h('text', { x: gx + (groupW - 6) / 2, y: height - 8, fontSize: CHART_FONT - 1, fill: CHART_INK, textAnchor: 'middle' }, `${hour}${hourSuffix}`),
      ),
    );
  });
  return h('svg', { className: 'report-chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title, preserveAspectRatio: 'xMinYMin meet' }, ...children);
}
