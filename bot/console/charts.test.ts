import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceMax } from './charts.js';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('server-side SVG charts', () => {
  it('draws one point per value and skips nulls, breaking the line there', () => {
    const svg = lineChart({
      title: 'churn',
      labels: ['2026-01', '2026-02', '2026-03', '2026-04'],
      series: [
        { name: 'a', values: [0.1, null, 0.3, 0.2] },
        { name: 'b', values: [1, 2, 3, 4] },
      ],
      yMax: 5,
    }).value;
    expect(count(svg, /<circle class="pt"/g)).toBe(7);
    expect(svg).toContain('data-points="7"');
    // a: one segment of two points (the first point stands alone); b: one line.
    expect(count(svg, /<polyline/g)).toBe(2);
  });

  it('draws one bar per value and escapes series names and labels', () => {
    const svg = barChart({ title: 't', labels: ['<x>'], series: [{ name: '<script>', values: [3] }] }).value;
    expect(count(svg, /<rect class="bar"/g)).toBe(1);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('rounds the axis to a readable maximum', () => {
    expect(niceMax(0.37)).toBe(0.5);
    expect(niceMax(1234)).toBe(2000);
    expect(niceMax(0)).toBe(1);
  });
});
