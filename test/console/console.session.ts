import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser's part in console tests: it keeps the cookies the console sets and posts forms with their CSRF token.
 * Used with `inject`, so no port is opened.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  /** The session's CSRF token, read from the last page that had a form. */
  csrf = '';

  constructor(
    private readonly server: FastifyInstance,
    private readonly headers: Record<string, string> = {},
    /** The client address the server sees (sign-in limits are per address). */
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (c.maxAge === 0 || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  async get(url: string) {
    return this.keep(
      await this.server.inject({
        method: 'GET',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.headers, cookie: this.cookieHeader() },
      }),
    );
  }

  /** Posts a form; the CSRF token is added unless the test gives its own `_csrf` (or null to leave it out). */
  async post(url: string, form: Record<string, string> = {}, csrf: string | null = this.csrf) {
    const fields = new URLSearchParams(form);
    if (csrf !== null && !('_csrf' in form)) fields.set('_csrf', csrf);
    return this.keep(
      await this.server.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: {
          ...this.headers,
          cookie: this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: fields.toString(),
      }),
    );
  }

  /** HQ's sign-in: the form (for its CSRF cookie and token), then the admin token. */
  async signInHq(token: string) {
    await this.get('/console/login');
    return this.post('/console/login', { token });
  }

  /** An account manager's WeCom web sign-in with a code the fake WeCom issued. */
  async signInWecom(code: string) {
    const start = await this.get('/console/oauth/start');
    const state = new URL(String(start.headers.location)).searchParams.get('state') ?? '';
    return this.get(`/console/oauth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
  }
}
