import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ChartSeries } from '../core/chart-series.js';

export interface ChartInput {
  title: string;
  series: ChartSeries[];
  /** The alert rule's threshold, drawn as a dashed line. */
  threshold?: number;
  unit?: string;
  width?: number;
  height?: number;
}

// Debian's DejaVu Sans (fonts-dejavu-core). Only when it is elsewhere does resvg scan the system's fonts, which it would
// otherwise do for every chart (a few ms each).
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf']
  .filter((f) => fs.existsSync(f));
const FONT_FAMILY = 'DejaVu Sans';

/**
 * A PNG line chart of a metric: ECharts renders SVG on the server (no DOM, no canvas), resvg turns it into PNG. Nothing
 * is downloaded at install or run time.
 */
export function renderChartPng(input: ChartInput): Buffer {
  return new Resvg(renderChartSvg(input), {
    font: { fontFiles: FONT_FILES, loadSystemFonts: FONT_FILES.length === 0, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    background: '#ffffff',
  }).render().asPng();
}

export function renderChartSvg({ title, series, threshold, unit = '', width = 800, height = 360 }: ChartInput): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT_FAMILY },
      title: { text: title, left: 12, top: 8, textStyle: { fontSize: 14, fontFamily: FONT_FAMILY } },
      legend: series.length > 1 ? { top: 32, left: 12, type: 'plain', textStyle: { fontSize: 11 } } : undefined,
      grid: { left: 64, right: 24, top: series.length > 1 ? 64 : 44, bottom: 36 },
      xAxis: { type: 'time', name: 'UTC', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 11, formatter: (v: number) => new Date(v).toISOString().slice(11, 16) } },
      yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 11, formatter: (v: number) => `${formatValue(v)}${unit}` } },
      series: series.slice(0, 10).map((s, i) => ({
        name: s.name,
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 2 },
        data: s.points.map(([t, v]) => [t * 1000, v]),
        ...(i === 0 && threshold !== undefined
          ? { markLine: { symbol: 'none', label: { formatter: `threshold ${formatValue(threshold)}${unit}`, fontSize: 11, position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#d62728' }, data: [{ yAxis: threshold }] } }
          : {}),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function formatValue(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(abs < 1 ? 3 : 2)));
}
