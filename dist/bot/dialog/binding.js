import { normalize } from '../nlu/normalize.js';
const MAX_TRIES_PER_HOUR = 5;
const text = {
    ask: '您好，我是共生渠道助手。首次使用请先绑定经销商账号：发送“经销商编号 + 登记的手机号”，例如“D0012 13800138000”。',
    askMissing: (missing) => `还差${missing}。请按“经销商编号 + 登记的手机号”发送，例如“D0012 13800138000”。`,
    mismatch: (left) => `编号和手机号对不上，请核对后重发（本小时还可尝试 ${left} 次）。如手机号有变更，请联系您的客户经理。`,
    tooMany: '尝试次数过多，为保护账户安全已暂停绑定，请一小时后再试，或联系您的客户经理。',
    bound: (name) => `绑定成功！${name}您好，以后下单、查库存、问返利、提需求都可以直接发给我。发“帮助”查看用法。`,
};
/** Links an unknown chat account to a dealer by dealer code + the contact phone registered for that dealer. */
export async function handleBinding(input) {
    const { db, kv, identity } = input;
    const t = normalize(input.text).toUpperCase();
    const code = t.match(/D\d{4}(?!\d)/)?.[0];
    const phone = t.match(/(?<!\d)1\d{10}(?!\d)/)?.[0];
    if (!code && !phone)
        return [{ body: text.ask }];
    if (!code || !phone)
        return [{ body: text.askMissing(code ? '登记的手机号' : '经销商编号') }];
    const tries = await kv.increment(`bind:${identity.channel}:${identity.externalId}`, 3600_000);
    if (tries > MAX_TRIES_PER_HOUR)
        return [{ body: text.tooMany }];
    const dealer = await db
        .selectFrom('dealer_contacts as c')
        .innerJoin('dealers as d', 'd.code', 'c.dealer_code')
        .select(['d.code', 'd.name'])
        .where('c.dealer_code', '=', code)
        .where('c.phone', '=', phone)
        .executeTakeFirst();
    if (!dealer)
        return [{ body: text.mismatch(MAX_TRIES_PER_HOUR - tries) }];
    await db
        .insertInto('channel_identities')
        .values({ channel: identity.channel, external_id: identity.externalId, dealer_code: dealer.code })
        .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
        .execute();
    return [{ body: text.bound(dealer.name) }];
}
//# sourceMappingURL=binding.js.map