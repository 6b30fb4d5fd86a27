/**
 * Replies are written once as plain Chinese text with light structure (【标题】, "· " bullets). WeCom app messages
 * render markdown, so there the structure becomes bold titles and the body keeps its lines; KF and the sandbox get
 * the plain text as written.
 */
export function renderForRoute(route, body, format = 'text') {
    if (format === 'markdown')
        return route === 'kf' ? { body: stripMarkdown(body), format: 'text' } : { body, format };
    if (route !== 'wecom_app')
        return { body, format: 'text' };
    return { body: body.replace(/【([^】\n]{1,40})】/g, '**【$1】**'), format: 'markdown' };
}
/** KF shows no markdown: drop emphasis and heading marks, keep the words. */
export function stripMarkdown(body) {
    return body
        .replace(/\*\*([^*]+)\*\*/g, '$1')
        .replace(/^#{1,6}\s+/gm, '')
        .replace(/<font[^>]*>([^<]*)<\/font>/g, '$1')
        .replace(/^>\s?/gm, '');
}
/**
 * Dealer-written text placed inside a markdown notice: on one line (so it cannot leave its quote or forge lines of
 * the notice) and with markdown's active characters escaped (no links, emphasis, headings or mentions).
 */
export function mdSafe(text) {
    return text
        .replace(/\s*[\r\n]+\s*/g, ' ')
        .replace(/[\\`*_[\]()<>#>~|]/g, (c) => `\\${c}`)
        .trim();
}
//# sourceMappingURL=render.js.map