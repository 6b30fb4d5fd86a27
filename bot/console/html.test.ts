import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trusted } from './html.js';

describe('html templates', () => {
  it('escapes every interpolated string', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td>${name}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>');
  });

  it('escapes inside attributes too', () => {
    expect(html`<a href="/d/${'" onmouseover="x'}">`.value).toBe('<a href="/d/&quot; onmouseover=&quot;x">');
  });

  it('keeps nested templates and trusted markup, joins arrays, drops empty values', () => {
    const rows = ['a', '<b>'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>a</li><li>&lt;b&gt;</li></ul>0');
    expect(html`${trusted('<br>')}`.value).toBe('<br>');
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('共生 D0001')).toBe('共生 D0001');
  });
});
