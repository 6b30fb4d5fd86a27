/** Linking an unknown chat account to a dealer (dealer code + registered phone). */
export const bindingReplies = {
  ask: '您好，我是共生渠道助手。首次使用请先绑定经销商账号：发送“经销商编号 + 登记的手机号”，例如“D0012 13800138000”。',
  askMissing: (missing: 'phone' | 'code') =>
    `还差${missing === 'phone' ? '登记的手机号' : '经销商编号'}。请按“经销商编号 + 登记的手机号”发送，例如“D0012 13800138000”。`,
  mismatch: (left: number) =>
    `编号和手机号对不上，请核对后重发（本小时还可尝试 ${left} 次）。如手机号有变更，请联系您的客户经理。`,
  tooMany: '尝试次数过多，为保护账户安全已暂停绑定，请一小时后再试，或联系您的客户经理。',
  bound: (name: string) =>
    `绑定成功！${name}您好，以后下单、查库存、问返利、提需求都可以直接发给我。发“帮助”查看用法。`,
};
