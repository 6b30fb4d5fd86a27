/** What the terminal commands print in Chinese (the chat client and a dealer's rebate position). */
export const cliReplies = {
  chatAs: (as: string) => `以 ${as} 身份聊天（输入 /quit 退出）`,
  push: (kind: string, body: string) => `\n[推送·${kind}]\n${body}\n`,
  dealerHeading: (d: { name: string; code: string; tier: string; tags: readonly string[] }) =>
    `${d.name}（${d.code}，${d.tier}${d.tags.length ? `，${d.tags.join('、')}` : ''}）`,
  noPolicies: '没有适用的政策。',
};
