import { shanghaiMinute } from '../../core/common/time.js';
import { consoleTexts as t } from '../replies/console.texts.js';
import { CHART_CSS } from './charts.js';
import { html, type SafeHtml, trusted } from './html.js';

/** Who is signed in, as the pages need it. */
export interface PageViewer {
  role: 'hq' | 'manager';
  /** The manager's name (or HQ). */
  name: string;
  csrf: string;
}

type NavKey = keyof typeof t.nav;
const NAV: ReadonlyArray<{ key: NavKey; href: string; hqOnly: boolean }> = [
  { key: 'overview', href: '/console', hqOnly: false },
  { key: 'dealers', href: '/console/dealers', hqOnly: false },
  { key: 'needs', href: '/console/needs', hqOnly: false },
  { key: 'policies', href: '/console/policies', hqOnly: true },
  { key: 'statements', href: '/console/statements', hqOnly: true },
  { key: 'tiers', href: '/console/tiers', hqOnly: true },
  { key: 'imports', href: '/console/imports', hqOnly: true },
  { key: 'conversations', href: '/console/conversations', hqOnly: true },
  { key: 'jobs', href: '/console/jobs', hqOnly: true },
  { key: 'followups', href: '/console/followups', hqOnly: false },
  { key: 'training', href: '/console/training', hqOnly: true },
  { key: 'honours', href: '/console/honours', hqOnly: true },
  { key: 'campaigns', href: '/console/campaigns', hqOnly: false },
  { key: 'cadence', href: '/console/cadence', hqOnly: false },
  { key: 'kf', href: '/console/kf', hqOnly: false },
  { key: 'audit', href: '/console/audit', hqOnly: true },
];

const CSS = trusted(
  [
    '*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#111827;background:#f9fafb}',
    'header{display:flex;align-items:center;gap:16px;padding:8px 20px;background:#1e3a8a;color:#fff;flex-wrap:wrap}header a{color:#dbeafe;text-decoration:none}header a.on{color:#fff;font-weight:600;border-bottom:2px solid #fff}',
    'header .who{margin-left:auto;font-size:12px}header form{display:inline}header button{background:none;border:1px solid #93c5fd;color:#fff;border-radius:4px;cursor:pointer}',
    'main{padding:16px 20px;max-width:1280px}h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:20px 0 8px}',
    'table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:12px}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}',
    '.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}.card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px}.card h2{margin-top:0}',
    '.kpi{font-size:22px;font-weight:600}.muted{color:#6b7280;font-size:12px}.note{background:#eff6ff;border:1px solid #bfdbfe;padding:8px;border-radius:4px}.err{background:#fef2f2;border:1px solid #fecaca;padding:8px;border-radius:4px}',
    '.breach{color:#b91c1c;font-weight:600}.warn80{color:#c2410c}.warn50{color:#a16207}.ok{color:#047857}',
    'form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:12px}form.filters label{display:flex;flex-direction:column;font-size:12px}',
    'input,select,button{font:inherit;padding:3px 6px}button.primary{background:#1d4ed8;color:#fff;border:0;border-radius:4px;padding:4px 12px;cursor:pointer}',
  ].join('') + CHART_CSS.value,
);

/** A whole console page: header with the sections the viewer may open, then the body. */
export function page(viewer: PageViewer | null, title: string, active: NavKey | null, body: SafeHtml): string {
  const nav = viewer
    ? NAV.filter((n) => viewer.role === 'hq' || !n.hqOnly).map(
        (n) => html`<a href="${n.href}" class="${n.key === active ? 'on' : ''}">${t.nav[n.key]}</a>`,
      )
    : null;
  const who = viewer
    ? html`<span class="who">${t.signedInAs(viewer.name)}
        <form method="post" action="/console/logout">${csrfField(viewer.csrf)}<button type="submit">${t.logout}</button></form></span>`
    : null;
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${t.appName}</title><link rel="icon" href="data:,"><style>${CSS}</style></head>
<body><header><strong>${t.appName}</strong>${nav}${who}</header><main><h1>${title}</h1>${body}</main></body></html>`
    .value;
}

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export const fenToWan = (fen: number) => (fen / 1_000_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 });
export const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
/** Shanghai wall-clock time, `YYYY-MM-DD HH:MM`. */
export const when = (d: Date | null) => (d ? shanghaiMinute(d).replace('T', ' ') : '—');
