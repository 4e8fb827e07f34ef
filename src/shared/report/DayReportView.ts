import { createElement as h, type ReactElement, type ReactNode } from 'react';
import { HBarChart } from './HBarChart.js';
import { HourlyChart } from './HourlyChart.js';
import { CHART_COLORS } from './chartParts.js';
import { checkLabel, FACE_DECISION_LABELS, REPORT_TEXT, type ReportTextKey } from './reportLabels.js';
import type { DayReport } from './reportTypes.js';

export type ReportLang = 'zh' | 'en';

interface Props {
  report: DayReport;
  lang: ReportLang;
  /** The PDF shows the other language small beneath headings, as the kiosk's bilingual messages do. */
  bilingual?: boolean;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function localStamp(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A time of the report's own day as the clock shows it; with the date when the range spans days. */
function seenText(iso: string, oneDay: boolean): string {
  const d = new Date(iso);
  return oneDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : localStamp(iso);
}

function bytesText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} B`;
}

/**
 * The day report as one React tree of plain elements and SVG, shared by the site manager's
 * screen (react-dom) and the A4 PDF (react-dom/server in main, printed by headless Chromium).
 * Styling is by class names (report-*) that both the screen's stylesheet and the PDF's page carry.
 */
export function DayReportView({ report, lang, bilingual = false }: Props): ReactElement {
  const other: ReportLang = lang === 'zh' ? 'en' : 'zh';
  const t = (k: ReportTextKey) => REPORT_TEXT[k][lang];
  const heading = (level: 'h1' | 'h2', k: ReportTextKey, extra?: string) =>
    h(level, { className: `report-${level}` }, `${t(k)}${extra ?? ''}`, bilingual ? h('span', { className: 'report-other', lang: other }, ` ${REPORT_TEXT[k][other]}`) : null);
  const figure = (k: ReportTextKey, value: ReactNode, testId: string) =>
    h('div', { className: 'report-figure', key: k }, h('div', { className: 'report-figure-value', 'data-testid': testId }, value), h('div', { className: 'report-figure-label' }, t(k)));
  const facts = (pairs: [ReportTextKey, ReactNode, string?][]) =>
    h(
      'dl',
      { className: 'report-facts' },
      ...pairs.flatMap(([k, v, testId]) => [h('dt', { key: `t-${k}` }, t(k)), h('dd', { key: `d-${k}`, 'data-testid': testId }, v)]),
    );
  const { totals } = report;
  const dates = report.from === report.to ? report.from : `${report.from} ~ ${report.to}`;
  const hourlySeries = [
    ...report.hourly.stations.map((s, i) => ({ label: `${s.label} ${t('hourlyCaptured')}`, color: CHART_COLORS[i % CHART_COLORS.length]!, values: s.captured })),
    {
      label: t('hourlyCheckedIn'),
      color: '#9aa4b1',
      values: report.hourly.hours.map((_, i) => report.hourly.stations.reduce((s, st) => s + (st.checkedIn[i] ?? 0), 0)),
    },
  ];

  return h(
    'article',
    { className: 'report', 'data-testid': 'day-report', lang },
    heading('h1', 'title', ` · ${dates}`),
    facts([
      ['task', `${report.taskCode} ${report.taskName}`],
      ['school', report.schoolName],
      ['site', report.site],
      ['station', report.stationName],
      ['generated', localStamp(report.generatedAt)],
    ]),
    h(
      'section',
      { className: 'report-section' },
      heading('h2', 'totalsTitle'),
      h(
        'div',
        { className: 'report-figures' },
        figure('expected', totals.expected, 'report-expected'),
        figure('checkedIn', totals.checkedIn, 'report-checked-in'),
        figure('captured', totals.captured, 'report-captured'),
        figure('notCaptured', totals.notCaptured, 'report-not-captured'),
        figure('noShow', totals.noShow, 'report-no-show'),
        figure('walkins', totals.walkins, 'report-walkins'),
        figure('otherStation', totals.otherStation, 'report-other-station'),
      ),
      h(HBarChart, {
        title: t('totalsTitle'),
        series: [{ label: t('totalsTitle'), color: CHART_COLORS[0] }],
        rows: [
          { label: t('expected'), values: [totals.expected] },
          { label: t('checkedIn'), values: [totals.checkedIn] },
          { label: t('captured'), values: [totals.captured] },
          { label: t('noShow'), values: [totals.noShow] },
        ],
      }),
    ),
    h(
      'section',
      { className: 'report-section' },
      heading('h2', 'hourlyTitle'),
      h(HourlyChart, { title: t('hourlyTitle'), hours: report.hourly.hours, series: hourlySeries, hourSuffix: t('hour') }),
    ),
    h(
      'section',
      { className: 'report-section', 'data-testid': 'report-failed-checks' },
      heading('h2', 'failedTitle'),
      report.failedChecks.length === 0
        ? h('p', { className: 'report-empty' }, t('noFailures'))
        : h(HBarChart, {
            title: t('failedTitle'),
            series: [
              { label: t('failedShots'), color: CHART_COLORS[4] },
              { label: t('overridden'), color: CHART_COLORS[1] },
            ],
            rows: report.failedChecks.map((c) => ({ label: checkLabel(c.checkId, lang), values: [c.failedShots, c.overridden], testId: `report-check-${c.checkId}` })),
          }),
      facts([
        ['shotsTotal', report.shots.total, 'report-shots'],
        ['shotsPerAccepted', report.shots.perAccepted === null ? '—' : report.shots.perAccepted.toFixed(2)],
        ['acceptedAfterRetry', report.shots.acceptedAfterRetry],
      ]),
    ),
    h(
      'section',
      { className: 'report-section', 'data-testid': 'report-face-match' },
      heading('h2', 'faceTitle'),
      h(HBarChart, {
        title: t('faceTitle'),
        series: [{ label: t('faceTitle'), color: CHART_COLORS[2] }],
        rows: report.faceMatch.outcomes.map((o) => ({ label: FACE_DECISION_LABELS[o.decision][lang], values: [o.count], testId: `report-face-${o.decision}` })),
      }),
      facts([['faceOverrides', report.faceMatch.overrides, 'report-face-overrides']]),
    ),
    h(
      'section',
      { className: 'report-section report-two' },
      h(
        'div',
        null,
        heading('h2', 'retakesTitle'),
        facts([
          ['retakesPending', report.retakes.pending, 'report-retakes-pending'],
          ['rejectedInRange', report.retakes.rejectedInRange, 'report-rejected'],
          ['retakenInRange', report.retakes.retakenInRange, 'report-retaken'],
        ]),
      ),
      h(
        'div',
        null,
        heading('h2', 'syncTitle'),
        facts([
          ['backlogJobs', report.sync.backlogJobs, 'report-backlog-jobs'],
          ['backlogBytes', bytesText(report.sync.backlogBytes)],
          ['parkedJobs', report.sync.parkedJobs, 'report-parked'],
          ['oldestQueued', localStamp(report.sync.oldestQueuedAt)],
          [
            'ordersSynced',
            `${report.sync.orders.synced} · ${t('ordersPending')} ${report.sync.orders.pending} · ${t('ordersFailed')} ${report.sync.orders.failed}`,
            'report-orders-sync',
          ],
        ]),
      ),
    ),
    h(
      'section',
      { className: 'report-section' },
      heading('h2', 'operatorsTitle'),
      report.operators.length === 0
        ? h('p', { className: 'report-empty' }, t('none'))
        : h(HBarChart, {
            title: t('operatorsTitle'),
            series: [{ label: t('captured'), color: CHART_COLORS[0] }],
            rows: report.operators.map((o) => ({ label: o.name, values: [o.captured] })),
          }),
    ),
    h(
      'section',
      { className: 'report-section', 'data-testid': 'report-versions' },
      heading('h2', 'versionsTitle'),
      report.versions.length === 0
        ? h('p', { className: 'report-empty' }, t('noVersions'))
        : h(
            'table',
            { className: 'report-table' },
            h('thead', null, h('tr', null, ...(['version', 'firstSeen', 'lastSeen', 'starts'] as const).map((k) => h('th', { key: k }, t(k))))),
            h(
              'tbody',
              null,
              ...report.versions.map((v) =>
                h(
                  'tr',
                  { key: v.version, 'data-testid': 'report-version', 'data-version': v.version },
                  h('td', null, v.version),
                  h('td', null, seenText(v.firstSeenAt, report.from === report.to)),
                  h('td', null, seenText(v.lastSeenAt, report.from === report.to)),
                  h('td', null, v.starts),
                ),
              ),
            ),
          ),
    ),
  );
}

/** The report's own stylesheet: injected into the PDF page, and used by the screen too. */
export const REPORT_CSS = `
.report { font-size: 13px; line-height: 1.45; color: #1f2328; }
.report-h1 { font-size: 20px; margin: 0 0 6px; }
.report-h2 { font-size: 15px; margin: 14px 0 6px; border-bottom: 1px solid #d0d4da; padding-bottom: 2px; }
.report-other { font-size: 0.7em; font-weight: normal; color: #57606a; }
.report-facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }
.report-facts dt { color: #57606a; }
.report-facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.report-figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 10px; }
.report-figure { border: 1px solid #d0d4da; border-radius: 6px; padding: 4px 10px; min-width: 80px; }
.report-figure-value { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.report-figure-label { font-size: 11px; color: #57606a; }
.report-section { break-inside: avoid; }
.report-two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; }
.report-chart { display: block; max-width: 680px; }
.report-empty { color: #57606a; }
.report-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.report-table th, .report-table td { text-align: left; padding: 2px 16px 2px 0; }
.report-table th { color: #57606a; font-weight: normal; }
`;
