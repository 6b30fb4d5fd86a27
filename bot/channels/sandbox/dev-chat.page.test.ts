import { describe, expect, it } from 'vitest';
import { devChatPage } from './dev-chat.page.js';

describe('/dev/chat page', () => {
  it('ships a script that parses and uses the sandbox API (a broken escape in the template would break the page)', () => {
    const script = devChatPage.split('<script>')[1]?.split('</script>')[0] ?? '';
    expect(() => new Function(script)).not.toThrow();
    for (const api of ['/sandbox/people', '/sandbox/messages', '/sandbox/outbox?to=']) expect(script).toContain(api);
  });
});
