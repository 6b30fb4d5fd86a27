import { extractDate } from './dates.js';
import { normalize } from './normalize.js';
import { UNITS } from './nlu.types.js';
import { NUMBER_SRC, parseNumber } from './numbers.js';
/**
 * The deterministic intent parser. Rules run in a fixed precedence (context answers, manager commands,
 * codes, then intents from the most specific to the most generic); the first that fits wins. Keyword rules
 * run on the normalised text without spaces (`k`), entity extraction on the length-preserving text (`t`).
 */
const HIGH = 0.95;
const MID = 0.85;
const LOW = 0.6;
// ---------------------------------------------------------------- entities
const ORDER_NO_RE = /(?<![a-z0-9])s\s*o\s*[-_]?\s*((?:\d\s*){11}\d)(?![0-9])/;
const NEED_ID_RE = /(?<![a-z0-9])n\s*[-_]?\s*(\d{2,})(?![0-9])/g;
const DEALER_RE = /(?<![a-z0-9])d\s*[-_]?\s*(\d{4})(?![0-9])/;
const MANAGER_RE = /(?<![a-z0-9])m\s*[-_]?\s*(\d{3})(?![0-9])/;
const PHONE_RE = /(?<![0-9])(1[3-9]\d(?:[\s-]?\d){8})(?![0-9])/;
// Short need ids (N998) only where the words say it is a need; N60 stays a product.
const NEED_WORDS = /需求|工单|认领|解决|进度|进展|状态|处理|关闭|跟进|转交|转给|编号|问题|申请|反馈|接了|分给|关单|办结/;
const UNIT_ALT = [...UNITS].sort((a, b) => b.length - a.length).join('|');
const QTY_RE = new RegExp(`(?<![0-9.a-z])(各)?\\s*(${NUMBER_SRC})\\s*(${UNIT_ALT})`, 'g');
// Separators between order lines; 各 looks back across the soft ones (和, 、) only.
const HARD_SEP = /[,;.!?:]/;
const SEP_RE = /[,;.!?:、]|和|及|以及|还有|另外|再加|加上|外加|同时|并且|然后/g;
function findQuantities(masked) {
    const out = [];
    QTY_RE.lastIndex = 0;
    for (let m = QTY_RE.exec(masked); m !== null; m = QTY_RE.exec(masked)) {
        const qty = parseNumber(m[2]);
        if (qty === null)
            continue; // 一二十套: not a number we can trust
        out.push({ start: m.index, end: m.index + m[0].length, qty, unit: m[3], each: m[1] !== undefined });
    }
    return out;
}
function mask(text, spans) {
    let out = text;
    for (const s of spans)
        out = out.slice(0, s.start) + '\u0001'.repeat(s.end - s.start) + out.slice(s.end);
    return out;
}
/** Attaches quantities to product mentions: "30套N60", "N60 30套", "N60 二十套、N75 十五套", "N60和N75各20套". */
function buildItems(t, mentions, qtys, matcher) {
    if (mentions.length === 0) {
        return { items: [], ambiguities: [], withQty: false, ...looseOf(qtys, new Set(), matcher) };
    }
    const pairOf = new Map();
    const usedQ = new Set();
    const seps = [];
    if (mentions.length + qtys.length > 1) {
        SEP_RE.lastIndex = 0;
        for (let m = SEP_RE.exec(t); m !== null; m = SEP_RE.exec(t))
            seps.push(m.index);
    }
    const segOf = (pos) => {
        let n = 0;
        while (n < seps.length && seps[n] < pos)
            n++;
        return n;
    };
    const toks = [
        ...mentions.map((m) => ({ pos: m.start, seg: segOf(m.start), m })),
        ...qtys.map((q) => ({ pos: q.start, seg: segOf(q.start), q })),
    ].sort((a, b) => a.pos - b.pos);
    // 各: one quantity for every product listed just before it (soft separators only).
    for (const tok of toks) {
        if (!tok.q?.each)
            continue;
        const i = toks.indexOf(tok);
        for (let j = i - 1; j >= 0; j--) {
            const prev = toks[j];
            if (prev.q)
                break;
            if (HARD_SEP.test(t.slice(prev.pos, tok.pos).replace(/\u0001/g, '')))
                break;
            if (prev.m && !pairOf.has(prev.m))
                pairOf.set(prev.m, tok.q);
        }
        usedQ.add(tok.q);
    }
    // Within one segment the first token tells the order: quantity-first or product-first.
    const bySeg = new Map();
    for (const tok of toks) {
        if (tok.q && usedQ.has(tok.q))
            continue;
        if (tok.m && pairOf.has(tok.m))
            continue;
        const l = bySeg.get(tok.seg) ?? [];
        l.push(tok);
        bySeg.set(tok.seg, l);
    }
    for (const seg of bySeg.values()) {
        const qtyFirst = seg[0].q !== undefined;
        let pendingQ;
        let pendingM;
        for (const tok of seg) {
            if (qtyFirst) {
                if (tok.q)
                    pendingQ = tok.q;
                else if (tok.m && pendingQ) {
                    pairOf.set(tok.m, pendingQ);
                    usedQ.add(pendingQ);
                    pendingQ = undefined;
                }
            }
            else if (tok.m)
                pendingM = tok.m;
            else if (tok.q && pendingM) {
                pairOf.set(pendingM, tok.q);
                usedQ.add(tok.q);
                pendingM = undefined;
            }
        }
    }
    // Leftovers across segments ("玻璃移门Y20，十套"): nearest free product before, else after.
    for (const q of qtys) {
        if (usedQ.has(q))
            continue;
        const before = mentions.filter((m) => m.end <= q.start && !pairOf.has(m)).at(-1);
        const after = mentions.find((m) => m.start >= q.end && !pairOf.has(m));
        const target = before ?? after;
        if (target) {
            pairOf.set(target, q);
            usedQ.add(q);
        }
    }
    // A bare number right after a product: "N60 30", "N60 x30".
    for (const m of mentions) {
        if (pairOf.has(m))
            continue;
        const bare = /^\s*[x×*]?\s*(\d{1,5})(?![0-9.%a-z]|\s*[号日月天点年周])/.exec(t.slice(m.end));
        if (bare) {
            const sku = m.skus.length === 1 ? m.skus[0] : undefined;
            const unit = (sku && matcher.product(sku)?.unit) || '套';
            const start = m.end + bare.index;
            pairOf.set(m, { start, end: start + bare[0].length, qty: Number(bare[1]), unit, each: false });
        }
    }
    // A series word next to a specific product of that series says the same thing: drop the vague one.
    const specific = new Set(mentions.filter((m) => m.skus.length === 1).map((m) => m.skus[0]));
    const items = [];
    const ambiguities = [];
    let withQty = false;
    for (const m of mentions) {
        const q = pairOf.get(m);
        if (q)
            withQty = true;
        if (m.skus.length === 1) {
            items.push(q ? { sku: m.skus[0], qty: q.qty, unit: q.unit } : { sku: m.skus[0] });
            continue;
        }
        const known = m.skus.filter((s) => specific.has(s));
        if (known.length === 1) {
            if (q)
                items.push({ sku: known[0], qty: q.qty, unit: q.unit });
            continue;
        }
        ambiguities.push({ mention: m.text, ...(q ? { qty: q.qty, unit: q.unit } : {}), candidates: [...m.skus] });
    }
    // The same product said twice, once with a quantity: keep the line with the quantity.
    const merged = [];
    for (const it of items) {
        const prev = merged.find((x) => x.sku === it.sku);
        if (prev && (prev.qty === undefined || it.qty === undefined)) {
            if (prev.qty === undefined && it.qty !== undefined)
                Object.assign(prev, it);
            continue;
        }
        merged.push(it);
    }
    return { items: merged, ambiguities, withQty, ...looseOf(qtys, usedQ, matcher) };
}
function looseOf(qtys, used, matcher) {
    const loose = qtys.filter((q) => !used.has(q));
    return {
        looseQty: loose.length,
        looseCatalogUnit: loose.some((q) => matcher.units.has(q.unit) || q.unit === '樘'),
    };
}
// ---------------------------------------------------------------- keyword rules (on compact text)
const INJECTION = /(忽略|无视|忘记|忘掉|不要理会|别管).{0,10}(指令|指示|提示|规则|设定|要求|prompt)|system\s*prompt|你现在是|扮演|越狱|jailbreak/;
const CONFIRM_DENY_STRONG = /取消|算了|不要了|先不|别下|别订|不下了|不订了|作废|放弃|不买了|不需要了|撤销|暂时不|暂不/;
const CONFIRM = /确认|确定|没问题|可以|好的|^好|^行|^ok|okay|就这样|就按|按这个|下单|下吧|提交|同意|没错|对的|^对|是的|^是$|要得|^妥|好滴|好嘞|^嗯|^yes|^y$|👌|👍|订吧|发吧|不用改|不改了|照这个/;
const DENY_WEAK = /不用|不要|不行|不对|^no$|^n$|再说|等等|等一下|不了|再想想|考虑一下/;
const MODIFY = /改|换|加|减|少|多|添|增|删|去掉|去除|拿掉|不要|调整|变成|变为|再来|再要|另外|还要|补|追加|提前|推迟|延后|延期|日期|时间|数量/;
const REMOVE_ITEM = /不要|去掉|删掉|删除|拿掉|去除|取消|不用/;
const NEGATED_ORDER = /不要了|不订了|先不订|不下了|先不下|别下单|别订|不用订|暂时不订|暂不订|不想订|不需要了|不买了|先不要|别下了|不用下/;
const ORDER_VERB = /下单|下个单|订购|采购|加订|追加|预订|预定|订(?!单|的|过)|拿货|进货|下订/;
const ORDER_VERB_WEAK = /要|来|拿|进|买|补|加|需要|给我/;
const ORDERABLE_Q = /(能|可以|能不能|可不可以|可否)(订|下单|买|拿货|发货|供货)/;
const CANCEL = /取消|撤销|撤回|撤单|撤掉|撤了|退单|作废|删除|不要了|退掉|删掉|别发了|不要这单|砍掉/;
const ORDER_REF = /订单|单子|那单|这单|那个单|这个单|个单|货/;
const ORDER_STATUS = /到哪|哪了|发货|发了没|发了吗|物流信息|物流单号|快递|状态|进度|什么时候到|什么时候能到|何时到|到了没|到没到|送到了吗|送到没|在哪|多久到|几天到|到货了吗|到了吗|出库|还没到|没收到|还没发|单号/;
const REORDER_REF = /上次|上回|上一次|上一单|上个月那|上月那|上个月的单|之前那单|老样子|老规矩|照旧|原样/;
const REORDER_DO = /一样|照|按|重复|再来|再下|再订|重新|同样|老样子|老规矩|原样|复制/;
const BIND = /绑定|绑一下|绑个|关联账号|关联一下|认证|验证身份/;
const BIND_SELF = /我是|我们是|编号|账号|代码|经销商号|手机|电话/;
const CLAIM = /我来处理|我来跟|我来负责|我来|我接|接了|接单|认领|领了|分给我|交给我|给我吧|我负责|我跟进|我处理|我去处理|归我/;
const RESOLVE = /已解决|解决了|已处理|处理完|处理好了|搞定|关闭|关单|办结|完结|结案|已完成|完成了|已办|已回复|已答复|已落实|标记.{0,12}(解决|完成|关闭)/;
const TRANSFER = /转交|转给|转派|转到|交给|分给|指派给|派给|移交/;
const LOOKUP = /查|看|资料|档案|情况|画像|信息|怎么样|数据|订货|销量|概况|详情|调出|调取|打开/;
const QUESTION = /吗|\?|没有$|了没|呢$|怎么样|如何|多久|什么时候/;
const NEED_STATUS_REF = /申请|需求|工单|反馈|提的|报的|报修|投诉|问题|事情/;
const NEED_STATUS_ASK = /回复|进展|进度|结果|处理得怎么样|怎么样了|有消息|答复|落实|处理了吗|处理了没|解决了吗|解决了没|有人管|有人跟|多久|什么时候处理|状态/;
const REBATE = /返利|返点|返现|档/;
const REBATE_PROGRESS = /进度|多少|还差|差多少|到哪|几档|下一档|下个档|那一档|哪一档|升档|累计|拿了|算下来|能拿多少|现在|目前|达到|够不够|情况|明细|我的返利|到账|发放|发了|什么时候(到|发|给)|兑现/;
const EXPLAIN = /怎么算|怎么计算|怎么拿|如何|规则|是什么|什么意思|怎么参加|怎么参与|怎么样算|解释|讲讲|说说|介绍|详细|具体|条件|门槛|标准|怎么领|怎么申请|怎么享受|啥意思|咋算|咋拿|怎么弄|怎么回事|怎么给/;
const LIST = /哪些|什么|有没有|有啥|啥|列一下|列出|清单|都有|所有|有哪|几个/;
const POLICY_WORDS = /政策|活动|促销|优惠|返利|折扣|特价|打折|满减/;
const POLICY_SLOT = [
    [/阶梯|梯度|台阶/, 'ladder_rebate'],
    [/成长奖|成长激励|增长奖|成长返利|年度成长|成长/, 'growth_reward'],
    [/周年/, 'anniversary_bonus'],
    [/满减|促销|特惠|优惠活动|折扣|打折|满赠|买赠|特价活动|秒杀|团购|活动/, 'promotion'],
];
const STOCK_AVAIL = /有货|有没有货|有现货|现货|库存|存货|还剩|剩多少|剩几|缺货|断货|没货|货够|有卖|还有货/;
const STOCK_QTY = /还有多少|有多少|还有吗|还有没有|多少套|几套|多少个|够不够/;
const PRICE = /多少钱|价格|价钱|单价|报价|什么价|几钱|拿货价|进货价|进价|出厂价|批发价|贵不贵|啥价|多少一/;
const REPLENISH = /补货|补点|补些|补什么|补哪|该补|要补|需要补|进哪些|进什么|进点什么|该进|建议.{0,6}(进|补|订|备)|推荐.{0,10}(进|补|订|备|产品|货|款|门|窗|柜)|备什么|备点什么|备哪些|缺什么货|订什么好|进货建议|补货建议|该订|新品推荐|有什么新品|有哪些新品/;
const TRAINING_LIST_WORDS = /培训|课程|课/;
const TRAINING_LIST_ASK = /哪些|什么|有没有|有啥|课程表|列表|安排|计划|日程|清单|报名|发我|看看|几个|最近|吗|\?/;
const TRAINING_REQUEST = /申请|派人|派个|请.{0,6}来|来给|给我们|上门|安排一次|组织一次|做个|搞个|办一次|办个|想要|需要/;
const CASE_REQ = /案例|成功经验|经验分享|分享.{0,6}经验|标杆|样板店|别人家?怎么|别的(经销商|门店|店).{0,10}怎么|同行.{0,4}怎么|其他.{0,8}(怎么做|怎么卖)|怎么做起来|学习一下别人/;
const HANDOFF = /转人工|人工客服|人工服务|找人工|人工|真人|客服|客户经理|业务经理|区域经理|对接人|业务员|专员|经理|找个人|打电话给我|给我打电话|回个电话|回电话|来电话|活人/;
const HELP = /你能做什么|你会什么|能干什么|能干嘛|会干嘛|你能干|有什么用|有哪些功能|有什么功能|功能|怎么用|如何使用|使用说明|使用方法|帮助|^help|菜单|你是谁|你是干什么|能帮我(做)?什么|能帮我干|怎么操作|教程|指南|能做些什么|机器人|你是ai/;
const GREETING = /你好|您好|^hi|hello|^hey|哈喽|^嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|谢谢|感谢|多谢|谢了|辛苦|thanks|thank|thx|拜拜|再见|^好的$|^收到|^明白|^知道了|^ok$/;
// What remains of a greeting once these are gone must be (almost) nothing.
const GREETING_STRIP = /你好|您好|hi|hello|hey|哈喽|嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|谢谢你?们?|感谢|多谢|谢了|辛苦了?|thanks|thank you|thx|拜拜|再见|好的|收到|明白|知道了|ok|老师|经理|小助手|助手|啊|呀|哈|嗯|的|[!.,?~ \u0001]/g;
// Need categories, most specific first.
const NEED_STRONG = [
    [
        /压货|积压|压了|压着|压库|卖不动|卖不掉|卖不出|滞销|过期|保质期|临期|库龄|清库存|清仓|处理库存|放了(很久|好久|一年|半年)|放太久|动销慢|不好卖|去年的货/,
        'expiring_stock',
    ],
    [/展架|展厅|展示|样品|样板|展柜|陈列|门头|形象墙|展台|物料|海报|宣传册|灯箱|展位|店招/, 'display'],
    [
        /运输|物流|专车|破损|碎了|摔坏|压坏|磕坏|送错|发错|少发|漏发|错发|配送|延误|送货慢|发货慢|到货慢|缺件|货损|磕碰/,
        'logistics',
    ],
    [
        /发票|开.{0,2}票|对账|回款|付款|打款|账期|货款|退款|转账|收据|欠款|欠费|扣款|账单|结算|汇款|信用额度|授信/,
        'payment',
    ],
];
const NEED_TRAINING = /培训|教学|讲课|授课|带教|讲解一下/;
const NEED_AFTER_SALES = /售后|维修|修理|修一下|坏了|损坏|漏水|漏风|渗水|变形|异响|上门|返修|报修|安装问题|掉漆|生锈|关不上|打不开|锁坏|开裂|划痕|脱落|松动|装不上|退货|换货/;
const NEED_POLICY = /(申请|争取|帮我报|报一下|报名|给点|给些|能不能给|想要|需要).{0,12}(政策|返利|特价|支持|补贴|让利|优惠|价格|折扣)|(政策|价格|特价|市场)支持|补贴|让利/;
const NEED_PRODUCT = /色差|质量|颜色|灰色|白色|黑色|金色|款式|出一款|出个|新款|开发|改进|尺寸|规格|定制|新品|做一款|上新|工艺|材质|漆面|花色|配色|型材|做工|气味|甲醛/;
const NEED_REQUEST = /麻烦|请帮|帮我们|帮忙|申请|需要.{0,4}(帮|支持|协助)|反馈|投诉|建议|更新|修改|变更|搬|换地址|改一下|协调|处理一下/;
const NEED_BUSINESS = /门店|店|系统|信息|账号|地址|资料|合同|经销|总部|客户|工地|产品|订单|业务|电话|联系人|营业执照|法人|公司|货|窗|门|柜/;
const RATING_WORDS = [
    [/非常不满意|很不满意|特别不满意|极差|太差|很差|垃圾|差评|非常差|特别差/, 1],
    [/不满意|不太满意|不好|较差|比较差|差|太慢|很慢|慢/, 2],
    [/非常满意|很满意|特别满意|十分满意|超满意|满分|五星|好评|完美|非常好|太好了|很棒|特别好|超级好/, 5],
    [/一般|还行|凑合|马马虎虎|中等|普通|及格/, 3],
    [/满意|不错|挺好|比较好|可以|好/, 4],
];
const parsed = (intent, slots, confidence) => ({
    kind: 'parsed',
    intent,
    slots,
    confidence,
});
const unknown = (reason, confidence = 0.3) => ({ kind: 'unknown', confidence, reason });
function extractFacts(text, ctx, matcher) {
    const t = normalize(text);
    const k = t.replace(/\s+/g, '');
    const spans = [];
    const so = ORDER_NO_RE.exec(t);
    const orderNo = so ? `SO${so[1].replace(/\s+/g, '')}` : undefined;
    if (so)
        spans.push({ start: so.index, end: so.index + so[0].length });
    let needId;
    NEED_ID_RE.lastIndex = 0;
    for (let m = NEED_ID_RE.exec(t); m !== null; m = NEED_ID_RE.exec(t)) {
        const digits = m[1];
        const code = `n${digits}`;
        if (matcher.isModelCode(code))
            continue;
        if (digits.length >= 4 || NEED_WORDS.test(k)) {
            needId = `N${digits}`;
            spans.push({ start: m.index, end: m.index + m[0].length });
            break;
        }
    }
    const d = DEALER_RE.exec(t);
    if (d)
        spans.push({ start: d.index, end: d.index + d[0].length });
    const mg = MANAGER_RE.exec(t);
    if (mg)
        spans.push({ start: mg.index, end: mg.index + mg[0].length });
    const ph = PHONE_RE.exec(t);
    if (ph)
        spans.push({ start: ph.index, end: ph.index + ph[0].length });
    const dm = extractDate(mask(t, spans), ctx.now);
    if (dm)
        spans.push(dm);
    // Codes above are not products (M001 is a manager, not a near miss of M01).
    const mentions = matcher.find(mask(t, spans));
    const qtys = findQuantities(mask(t, [...spans, ...mentions]));
    const items = buildItems(t, mentions, qtys, matcher);
    return {
        t,
        k,
        ctx,
        matcher,
        orderNo,
        needId,
        dealerCode: d ? `D${d[1]}` : undefined,
        managerCode: mg ? `M${mg[1]}` : undefined,
        phone: ph ? ph[1].replace(/[\s-]/g, '') : undefined,
        date: dm ? { date: dm.date, rolledForward: dm.rolledForward } : undefined,
        items,
        mentions,
    };
}
/** An order-like result: ambiguous when some product fits several SKUs. */
function orderResult(intent, f, confidence, withItemsQty = true) {
    const slots = {};
    const items = withItemsQty ? f.items.items : f.items.items.map((i) => ({ sku: i.sku }));
    if (items.length > 0)
        slots.items = dedupeSkus(items, withItemsQty);
    if (f.date && withItemsQty) {
        slots.date = f.date.date;
        if (f.date.rolledForward)
            slots.date_rolled_forward = true;
    }
    if (f.items.ambiguities.length > 0) {
        const ambiguities = withItemsQty
            ? f.items.ambiguities
            : f.items.ambiguities.map((a) => ({ mention: a.mention, candidates: a.candidates }));
        return { kind: 'ambiguous', intent, slots, confidence: Math.min(confidence, 0.8), ambiguities };
    }
    return parsed(intent, slots, confidence);
}
function dedupeSkus(items, keepDuplicates) {
    if (keepDuplicates)
        return items;
    const seen = new Set();
    return items.filter((i) => !seen.has(i.sku) && seen.add(i.sku));
}
function cut(text, from) {
    return text
        .slice(from)
        .replace(/^[\s,，。.:：;；、!！]+/, '')
        .replace(/[\s。.!！]+$/, '')
        .trim();
}
// ---- context answers
function parseRating(f, text) {
    const m = /(?<![0-9.])([1-5一二三四五])\s*(分|星|颗星|颗)/.exec(f.t) ?? /^\s*([1-5一二三四五])\s*[.!]*\s*$/.exec(f.t);
    let rating = m ? parseNumber(m[1]) : null;
    let comment = '';
    if (m)
        comment = `${cut(text.slice(0, m.index), 0)} ${cut(text, m.index + m[0].length)}`.trim();
    // "给4分吧" leaves no comment, only particles.
    if (comment.replace(/[给打评就吧啊呀了哈嗯,，。.!！~\s]/g, '').length < 2)
        comment = '';
    if (rating === null) {
        for (const [re, r] of RATING_WORDS) {
            if (re.test(f.k)) {
                rating = r;
                break;
            }
        }
        comment = text.trim();
    }
    if (rating === null)
        return null;
    const slots = { rating };
    if (comment)
        slots.comment = comment;
    return parsed('need.rate', slots, m ? HIGH : MID);
}
function parseOrderConfirm(f) {
    const { k } = f;
    if (f.orderNo)
        return null;
    const hasItems = f.mentions.length > 0;
    if (hasItems && REMOVE_ITEM.test(k) && !f.items.withQty) {
        // "N75不要了": the line goes to zero.
        const res = orderResult('order.modify', f, MID);
        if (res.kind !== 'unknown' && res.slots.items)
            res.slots.items = res.slots.items.map((i) => ({ ...i, qty: 0 }));
        return res;
    }
    // Any product named while a draft waits is a change to it ("不对，是N75", "N60改成40套").
    if ((hasItems && !CONFIRM_DENY_STRONG.test(k)) || (f.date && !CONFIRM_DENY_STRONG.test(k))) {
        return orderResult('order.modify', f, hasItems && f.items.withQty ? HIGH : MID);
    }
    if (f.items.looseQty > 0 && MODIFY.test(k))
        return orderResult('order.modify', f, LOW);
    if (CONFIRM_DENY_STRONG.test(k))
        return parsed('deny', {}, HIGH);
    if (CONFIRM.test(k))
        return parsed('confirm', {}, k.length <= 12 ? HIGH : MID);
    if (DENY_WEAK.test(k))
        return parsed('deny', {}, MID);
    return null;
}
// ---- manager commands
function parseManager(f, text) {
    const { k } = f;
    if (f.needId) {
        if (f.managerCode && TRANSFER.test(k)) {
            return parsed('am.need.transfer', { need_id: f.needId, manager_code: f.managerCode }, HIGH);
        }
        const res = RESOLVE.exec(f.t);
        if (res && !(QUESTION.test(k) && !/标记/.test(k))) {
            const slots = { need_id: f.needId };
            const note = resolutionNote(text, f.t, res.index + res[0].length);
            if (note)
                slots.note = note;
            return parsed('am.need.resolve', slots, HIGH);
        }
        if (CLAIM.test(k))
            return parsed('am.need.claim', { need_id: f.needId }, HIGH);
    }
    if (f.dealerCode && !BIND.test(k)) {
        return parsed('am.dealer.lookup', { dealer_code: f.dealerCode }, LOOKUP.test(k) ? HIGH : MID);
    }
    return null;
}
/** The note after the resolve keyword ("N1024已解决，已安排售后上门" → "已安排售后上门"), cut from the original. */
function resolutionNote(text, t, after) {
    let note = cut(text, after);
    // "标记N1052为已解决：发票已开" puts the note after a colon; "需求N1031处理完了，培训…" after the particle.
    note = note.replace(/^(了|啦|的)\s*[,，。.:：;；]?\s*/, '');
    if (note === '') {
        // Keyword at the end ("已安排上门，N1024已解决"): take what came before the need id.
        const id = /n\s*\d+/.exec(t);
        if (id)
            note = cut(text.slice(0, id.index), 0);
    }
    return note || undefined;
}
function looksManagerOnly(f) {
    const { k } = f;
    if (f.needId && !QUESTION.test(k) && (CLAIM.test(k) || RESOLVE.test(k) || (f.managerCode && TRANSFER.test(k)))) {
        return true;
    }
    return !!f.dealerCode && !BIND.test(k) && !BIND_SELF.test(k) && /资料|档案|画像|调出|调取|情况|订货|销量/.test(k);
}
// ---- general intents
function needCategory(k) {
    for (const [re, cat] of NEED_STRONG)
        if (re.test(k))
            return { category: cat, strong: true };
    if (NEED_TRAINING.test(k))
        return { category: 'training', strong: TRAINING_REQUEST.test(k) };
    if (NEED_AFTER_SALES.test(k))
        return { category: 'after_sales', strong: true };
    if (NEED_POLICY.test(k))
        return { category: 'policy', strong: true };
    if (NEED_PRODUCT.test(k))
        return { category: 'product', strong: true };
    if (NEED_REQUEST.test(k) && NEED_BUSINESS.test(k))
        return { category: 'other', strong: false };
    return null;
}
function policySlot(k) {
    for (const [re, code] of POLICY_SLOT)
        if (re.test(k))
            return code;
    return undefined;
}
/** Parses one message into an intent and its slots. Pure and synchronous; `matcher` is built once. */
export function parseIntent(text, ctx, matcher) {
    const f = extractFacts(text, ctx, matcher);
    const { k } = f;
    if (k.replace(/\u0001/g, '') === '')
        return unknown('empty', 0);
    if (INJECTION.test(k))
        return unknown('injection', 0.9);
    // 1. Answers to what the conversation is waiting for.
    if (ctx.awaiting === 'need_rating') {
        const r = parseRating(f, text);
        if (r)
            return r;
    }
    if (ctx.awaiting === 'order_confirm') {
        const r = parseOrderConfirm(f);
        if (r)
            return r;
    }
    if (ctx.awaiting === 'binding' && (f.dealerCode || f.phone)) {
        return parsed('account.bind', bindSlots(f), HIGH);
    }
    if (ctx.awaiting === 'clarify_product' && f.mentions.length > 0) {
        // The dialog asked "which one?": the answer refines the pending items.
        return orderResult('order.modify', f, MID);
    }
    // ... or the dealer drops the question ("取消", "算了").
    if (ctx.awaiting === 'clarify_product' && (CONFIRM_DENY_STRONG.test(k) || DENY_WEAK.test(k))) {
        return parsed('deny', {}, MID);
    }
    // 2. Manager commands; the same words from a dealer are not honoured.
    if (ctx.sender === 'manager') {
        const r = parseManager(f, text);
        if (r)
            return r;
    }
    else if (looksManagerOnly(f)) {
        return unknown('manager_only', 0.9);
    }
    // 3. Orders by number.
    if (f.orderNo) {
        return parsed(CANCEL.test(k) ? 'order.cancel' : 'order.status', { order_no: f.orderNo }, HIGH);
    }
    // 4. Account binding.
    const onlyCode = f.dealerCode !== undefined && k.replace(/d\d{4}|[\u0001,.!]/g, '').length <= 2;
    if (BIND.test(k) ||
        (f.dealerCode && (BIND_SELF.test(k) || f.phone || onlyCode)) ||
        (f.phone && /手机|电话/.test(k))) {
        return parsed('account.bind', bindSlots(f), f.dealerCode ? HIGH : MID);
    }
    // 5. Needs by id.
    if (f.needId)
        return parsed('need.status', { need_id: f.needId }, QUESTION.test(k) || NEED_STATUS_ASK.test(k) ? HIGH : MID);
    const hasQtyItems = f.items.withQty;
    const question = QUESTION.test(k) || /[?？]/.test(f.t);
    // 6. Orders without number: status / cancel.
    if (ORDER_REF.test(k) && CANCEL.test(k) && !hasQtyItems && !REORDER_DO.test(k)) {
        if (/订单|单子|那单|这单|那个单|这个单|个单/.test(k))
            return parsed('order.cancel', {}, MID);
    }
    if (ORDER_REF.test(k) && ORDER_STATUS.test(k) && !hasQtyItems)
        return parsed('order.status', {}, MID);
    if (/订单|单子/.test(k) && /查/.test(k) && !hasQtyItems)
        return parsed('order.status', {}, MID);
    // A bare "我的订单" / "最近订单" / "订单记录" asks for the recent orders.
    if (/^(我的|我们的|最近的?|近期的?)?(订单|单子)(列表|记录|情况)?(呢|吗)?$/.test(k))
        return parsed('order.status', {}, MID);
    // 7. Rebate progress (before stock: "返利现在有多少了").
    if (REBATE.test(k) && REBATE_PROGRESS.test(k) && !EXPLAIN.test(k) && !/申请|报名|参加/.test(k)) {
        return parsed('rebate.progress', {}, HIGH);
    }
    // 8. Negated orders never place anything.
    const negatedProduct = f.mentions.length > 0 && !hasQtyItems && /不要|不订|别订|不买|别要|别发/.test(k);
    if (negatedProduct || (NEGATED_ORDER.test(k) && (f.mentions.length > 0 || ORDER_VERB.test(k) || /单/.test(k)))) {
        return unknown('negated', 0.7);
    }
    // 9. Reorder.
    if (!hasQtyItems &&
        ((REORDER_REF.test(k) && REORDER_DO.test(k)) || /重复上一单|再来一单$|老样子|老规矩|照旧/.test(k))) {
        if (!NEED_STATUS_REF.test(k) || /单/.test(k))
            return parsed('order.reorder', {}, HIGH);
    }
    // 10. Need status without id ("上次申请的培训有回复了吗").
    if (NEED_STATUS_REF.test(k) && NEED_STATUS_ASK.test(k) && !hasQtyItems)
        return parsed('need.status', {}, MID);
    const cat = needCategory(k);
    const stockAsk = STOCK_AVAIL.test(k) ||
        ((STOCK_QTY.test(k) || PRICE.test(k)) && (f.mentions.length > 0 || /货|产品/.test(k))) ||
        (ORDERABLE_Q.test(k) && question && !/[帮给]我/.test(k));
    // 11. Explicit order with products (a question about price/stock/orderability is not an order).
    if (ORDER_VERB.test(k) && f.mentions.length > 0 && !(stockAsk && question) && !(cat?.strong && !hasQtyItems)) {
        return orderResult('order.place', f, hasQtyItems ? HIGH : MID);
    }
    // 12. Stale stock is a need even though it says 库存.
    if (cat?.category === 'expiring_stock')
        return parsed('need.submit', { category: cat.category }, HIGH);
    // 13. Stock, availability and price questions.
    if (stockAsk && !cat?.strong)
        return orderResult('stock.query', f, HIGH, false);
    // 14. Replenishment advice.
    if (REPLENISH.test(k) && !hasQtyItems)
        return parsed('replenish.advice', {}, HIGH);
    // 15. Policies.
    const policy = policySlot(k);
    const needPolicy = cat?.category === 'policy';
    if (!needPolicy) {
        // A named policy is explained; "有哪些促销活动" asks for the list, "满减怎么参加" for the rules.
        if (policy && (policy !== 'promotion' || EXPLAIN.test(k) || !LIST.test(k))) {
            return parsed('policy.explain', { policy }, EXPLAIN.test(k) || /参加|参与|报名/.test(k) ? HIGH : MID);
        }
        if (POLICY_WORDS.test(k) && LIST.test(k))
            return parsed('policy.list', {}, HIGH);
    }
    // 16. Courses on offer (not a request for a training session).
    if (TRAINING_LIST_WORDS.test(k) && TRAINING_LIST_ASK.test(k) && !TRAINING_REQUEST.test(k)) {
        return parsed('training.list', {}, HIGH);
    }
    // 17. Success cases.
    if (CASE_REQ.test(k))
        return parsed('case.request', {}, HIGH);
    // 18. Needs (requests, problems, complaints).
    if (cat && (cat.strong || cat.category !== 'training')) {
        if (!(hasQtyItems && ORDER_VERB_WEAK.test(k) && !cat.strong)) {
            return parsed('need.submit', { category: cat.category }, cat.strong ? HIGH : MID);
        }
    }
    // 19. A person.
    if (HANDOFF.test(k))
        return parsed('human.handoff', {}, HIGH);
    // 20. Orders said without an explicit verb ("来20套N60", "N60 30套 明天送").
    if (f.mentions.length > 0 && hasQtyItems && !question) {
        return orderResult('order.place', f, ORDER_VERB_WEAK.test(k) ? MID : LOW);
    }
    if (ORDER_VERB.test(k) && f.items.looseCatalogUnit && !question)
        return orderResult('order.place', f, LOW);
    if (ctx.awaiting !== 'order_confirm' && ORDER_VERB.test(k) && /单/.test(k) && k.length <= 6) {
        return parsed('order.place', {}, LOW);
    }
    if (f.mentions.length > 0 && !question && /^(我|我们)?(还)?(要|想要|需要|来|给我来|再来)/.test(k)) {
        return orderResult('order.place', f, LOW);
    }
    // 21. Help and small talk.
    if (HELP.test(k) && k.length <= 16)
        return parsed('help', {}, HIGH);
    if (GREETING.test(k) && k.replace(GREETING_STRIP, '').length <= 2)
        return parsed('greeting', {}, MID);
    // 22. A bare product: most likely a question about it.
    if (f.mentions.length > 0 && k.replace(/\u0001/g, '').length <= 12) {
        return orderResult('stock.query', f, 0.5, false);
    }
    if (cat)
        return parsed('need.submit', { category: cat.category }, LOW);
    if (confirmWithoutContext(k))
        return unknown('no_context', 0.5);
    return unknown('no_match');
}
function confirmWithoutContext(k) {
    return k.length <= 6 && (CONFIRM.test(k) || CONFIRM_DENY_STRONG.test(k) || DENY_WEAK.test(k));
}
function bindSlots(f) {
    const slots = {};
    if (f.dealerCode)
        slots.dealer_code = f.dealerCode;
    if (f.phone)
        slots.phone = f.phone;
    return slots;
}
//# sourceMappingURL=intent.rules.js.map