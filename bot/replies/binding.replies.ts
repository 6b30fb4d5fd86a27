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
  /** A manager binding their 微信客服 account with the one-time code from the console. */
  kfBound: (name: string) =>
    `绑定成功！${name}您好，这个微信客服账号已绑定到您。今后把门店销售、库存等 CSV/Excel 文件发到这里，就会提交总部审核导入。`,
  kfInvalid: (left: number) =>
    `绑定码无效、已过期或已被使用，未做任何更改。请在管理后台“微信客服绑定”重新获取（本小时还可尝试 ${left} 次）。`,
  kfTaken: '这个微信客服账号已有绑定，未做更改。如需改绑，请先在管理后台解除原绑定。',
};
