import type { MessageFormat, OutboxRoute } from '../../core/messaging/types.js';

/**
 * Replies are written once as plain Chinese text with light structure (【标题】, "· " bullets). WeCom app messages
 * render markdown, so there the structure becomes bold titles and the body keeps its lines; KF, the mini-program and
 * the sandbox get the plain text as written.
 */
export function renderForRoute(
  route: OutboxRoute,
  body: string,
  format: MessageFormat = 'text',
): { body: string; format: MessageFormat } {
  if (format === 'mpcard') return { body, format };
  if (format === 'markdown') {
    return route === 'kf' || route === 'mp' ? { body: stripMarkdown(body), format: 'text' } : { body, format };
  }
  if (route !== 'wecom_app') return { body, format: 'text' };
  return { body: body.replace(/【([^】\n]{1,40})】/g, '**【$1】**'), format: 'markdown' };
}

/** KF and the mini-program show no markdown: drop emphasis and heading marks, keep the words. */
export function stripMarkdown(body: string): string {
  return body
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/<font[^>]*>([^<]*)<\/font>/g, '$1')
    .replace(/^>\s?/gm, '');
}
