/**
 * The app's pino logger. Secrets never reach the log: the admin token and WeCom secrets are redacted wherever they
 * appear as fields, and request URLs lose the values of secret-looking query parameters (an admin token sent as
 * `?token=` would otherwise be written by every access-log line).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const CENSOR = '[redacted]';
const SECRET_KEYS = ['secret', 'corpsecret', 'kfSecret', 'aesKey', 'token', 'adminToken', 'access_token', 'apiKey'];
/** Field paths: at the top of a log object, one level down, and the request headers fastify may log. */
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];
/** Query parameters whose value is a credential. */
const SECRET_QUERY_NAME = /token|secret|password|key/i;

/** The URL with the values of secret-looking query parameters replaced (the rest kept as sent). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = eq < 0 ? p : p.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {}
      return eq >= 0 && SECRET_QUERY_NAME.test(decoded) ? `${name}=${CENSOR}` : p;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function createLogger(opts: { level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'gongsheng' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: {
        // Fastify's request fields, with the URL redacted.
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: req.url === undefined ? undefined : redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    destination,
  );
}
