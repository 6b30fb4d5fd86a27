import { type HtmlValue, html, type SafeHtml, trusted } from './html.js';

/**
 * Charts drawn on the server as inline SVG: no script, no library to ship, and testable as text. Each point (line
 * chart) or bar is one element with a `<title>` tooltip; the root carries `data-points` with their count, which the
 * browser test checks against the elements it finds.
 */
export interface Series {
  name: string;
  values: ReadonlyArray<number | null>;
}

export interface ChartInput {
  /** What the chart shows (the SVG's accessible name). */
  title: string;
  labels: readonly string[];
  series: readonly Series[];
  /** How values are written in tooltips and on the axis. */
  format?: (v: number) => string;
  /** A fixed top of the scale (e.g. 1 for rates). */
  yMax?: number;
}

const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 24, bottom: 28 };
const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/** A round number at or above `v` (1, 2, 5 × 10^n), so the axis reads well. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

function frame(input: ChartInput, top: number, points: number, body: HtmlValue): SafeHtml {
  const fmt = input.format ?? String;
  const plotH = H - PAD.top - PAD.bottom;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = r1(PAD.top + plotH * (1 - f));
    return html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}"/><text class="axis" x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${fmt(top * f)}</text>`;
  });
  const n = input.labels.length;
  const every = Math.max(1, Math.ceil(n / 8));
  const xLabels = input.labels.map((l, i) =>
    i % every === 0 || i === n - 1
      ? html`<text class="axis" x="${r1(xOf(i, n))}" y="${H - 8}" text-anchor="middle">${l}</text>`
      : null,
  );
  // Legend entries share the width, so six series still fit.
  const step = Math.min(130, (W - PAD.left - PAD.right) / Math.max(input.series.length, 1));
  const legend = input.series.map(
    (s, i) =>
      html`<rect x="${r1(PAD.left + i * step)}" y="4" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text class="legend" x="${r1(PAD.left + i * step + 14)}" y="13">${s.name}</text>`,
  );
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${input.title}" data-points="${points}" xmlns="http://www.w3.org/2000/svg">${grid}${xLabels}${legend}${body}</svg>`;
}

function xOf(i: number, n: number): number {
  const plotW = W - PAD.left - PAD.right;
  return PAD.left + (n <= 1 ? plotW / 2 : (plotW * (i + 0.5)) / n);
}

function scaleTop(input: ChartInput): number {
  const max = Math.max(0, ...input.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  return input.yMax ?? niceMax(max);
}

/** Lines over the labels (months); a null value breaks the line and draws no point. */
export function lineChart(input: ChartInput): SafeHtml {
  const top = scaleTop(input);
  const fmt = input.format ?? String;
  const n = input.labels.length;
  const plotH = H - PAD.top - PAD.bottom;
  const yOf = (v: number) => r1(PAD.top + plotH * (1 - Math.min(v, top) / top));
  let points = 0;
  const body = input.series.map((s, si) => {
    const color = COLORS[si % COLORS.length]!;
    const segments: string[][] = [[]];
    const dots = s.values.map((v, i) => {
      if (v === null) {
        segments.push([]);
        return null;
      }
      points++;
      const [x, y] = [r1(xOf(i, n)), yOf(v)];
      segments.at(-1)!.push(`${x},${y}`);
      return html`<circle class="pt" cx="${x}" cy="${y}" r="3" fill="${color}"><title>${input.labels[i]} ${s.name}: ${fmt(v)}</title></circle>`;
    });
    const lines = segments
      .filter((seg) => seg.length > 1)
      .map((seg) => html`<polyline fill="none" stroke="${color}" stroke-width="2" points="${seg.join(' ')}"/>`);
    return html`${lines}${dots}`;
  });
  return frame(input, top, points, body);
}

/** Grouped bars: one group per label, one bar per series. */
export function barChart(input: ChartInput): SafeHtml {
  const top = scaleTop(input);
  const fmt = input.format ?? String;
  const n = input.labels.length;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(n, 1);
  const barW = Math.max(2, (slot * 0.8) / Math.max(input.series.length, 1));
  let points = 0;
  const body = input.series.map((s, si) =>
    s.values.map((v, i) => {
      if (v === null) return null;
      points++;
      const h = r1((plotH * Math.min(v, top)) / top);
      const x = r1(xOf(i, n) - (barW * input.series.length) / 2 + si * barW);
      return html`<rect class="bar" x="${x}" y="${r1(PAD.top + plotH - h)}" width="${r1(barW)}" height="${h}" fill="${COLORS[si % COLORS.length]}"><title>${input.labels[i]} ${s.name}: ${fmt(v)}</title></rect>`;
    }),
  );
  return frame(input, top, points, body);
}

/** The style the charts need (inlined in the page's sheet). */
export const CHART_CSS = trusted(
  '.chart{width:100%;max-width:720px;height:auto;font:11px sans-serif}.chart .grid{stroke:#e5e7eb}.chart .axis{fill:#6b7280}.chart .legend{fill:#111827}',
);
