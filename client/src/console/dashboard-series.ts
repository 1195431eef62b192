/** The dashboard's per-day series, in legend order, each with the theme variable of its colour. */
export const CHART_SERIES = [
  { key: 'sent', variable: '--chart-sent' },
  { key: 'deliveredLive', variable: '--chart-live' },
  { key: 'pushed', variable: '--chart-pushed' },
  { key: 'pushFailed', variable: '--chart-failed' },
  { key: 'read', variable: '--chart-read' },
] as const;

export type ChartSeries = (typeof CHART_SERIES)[number]['key'];
