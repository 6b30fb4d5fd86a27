import type { CatalogMatcher } from './catalog.matcher.js';
import { CONFIRM, CONFIRM_DENY_STRONG, DENY_WEAK, parseClarification, parseDraftMessage } from './draft.rules.js';
import { DECISIVE, type Facts, extractFacts, HIGH, LOW, MID, mask, orderResult, parsed, unknown } from './facts.js';
import {
  type Ambiguity,
  type Intent,
  intentOf,
  type NeedCategory,
  type ParseContext,
  type ParseResult,
  type PolicyCode,
  type Slots,
} from './nlu.types.js';
import { parseNumber } from './numbers.js';
import {
  extractCampaign,
  extractCourse,
  extractDealerName,
  extractPeriod,
  extractRef,
  extractSalesPeriod,
  SALES_WEEK_WORDS,
  salesWeek,
} from './slots.extract.js';

/**
 * The deterministic intent parser. Rules run in a fixed precedence (context answers, manager commands,
 * codes, then intents from the most specific to the most generic); the first that fits wins. Keyword rules
 * run on the normalised text without spaces (`k`), entity extraction on the length-preserving text (`t`).
 */

// ---------------------------------------------------------------- keyword rules (on compact text)

const INJECTION =
  /(忽略|无视|忘记|忘掉|不要理会|别管).{0,10}(指令|指示|提示|规则|设定|要求|prompt|前面说的|之前说的|上面说的|前面的话|之前的话)|ignore.{0,20}(instruction|prompt|rule)|system\s*prompt|你现在是|扮演|越狱|jailbreak/;

// Asking to change one's own terms (rebate, price, tier, credit) to a value.
const SELF_EDIT =
  /(把|给|帮)?(我|我们)的?.{0,8}(返利|返点|价格|单价|折扣|额度|授信|等级|级别|星级|积分|欠款|账期|档位|档).{0,6}(改成|改为|改到|调成|调到|调为|设成|设为|设置为|变成|提到|提高到|升到|升成|降到)|直接给我(升级|升档|改成|调成)|(直接|马上|立刻|必须)给我打[0-9一二三四五六七八九]+折|给我(加|提|涨)[0-9一二两三四五六七八九十百千万]+.{0,3}(额度|授信|返利|返点)|(欠款|账|货款).{0,4}(免了|免掉|清零|抹掉|一笔勾销|不用还)|^转账给我/;
// Each alternative of SELF_EDIT holds a character of both (a cheap test first: few messages ask this).
const SELF_EDIT_WHOSE = /[我欠账款]/;
const SELF_EDIT_VERB = /[改调设变提升降折加涨免清抹勾还转]/;

// Another dealer's data (identity comes from the channel): "告诉我D0012的手机号", "别人家卖了多少".
const OTHERS_DATA =
  /d\d{4}的?(手机|电话|库存|返利|订单|单子|销量|销售|欠款|资料|数据|联系方式|地址|进货|价格)|(告诉我|给我|发我|查一?下?|看看?)d\d{4}的|别人(家)?的?(订单|单|返利|销量|库存|数据|价格)|别人家?卖了|所有经销商的|其他经销商的(数据|销量|返利|订单)|(隔壁|同行|别的)(品牌|家|店)?的(返利|价格|数据|销量)|不是我的/;

const NEGATED_ORDER =
  /不要了|不订了|先不订|不下了|先不下|别下单|别订|不用订|暂时不订|暂不订|不想订|不需要了|不买了|先不要|别下了|不用下/;
const ORDER_VERB = /下单|下个单|订购|采购|加订|追加|预订|预定|订(?!单|的|过)|拿货|进货|下订/;
const ORDER_VERB_WEAK = /要|来|拿|进|买|补|加|需要|给我/;
const ORDERABLE_Q = /(能|可以|能不能|可不可以|可否)(订|下单|买|拿货|发货|供货)/;

const CANCEL =
  /取消|撤销|撤回|撤单|撤掉|撤了|退单|作废|删除|不要了|退掉|删掉|别发了|不发了|不用发了|删一个|删了吧|不要这单|砍掉/;
/** "SO" alone ("SO到哪了") names the orders as their numbers start. */
const ORDER_REF =
  /(?<![a-z])so(?![a-z0-9])|订单|单子|那单|这单|那个单|这个单|个单|几单|下的单|订的|货|上一单|的单|那批/;
const ORDER_STATUS =
  /到哪儿|啥时候到|啥时候发|发了没|咋还没到|怎么还没到|发出去了没|到哪|哪了|发货|发了没|发了吗|物流信息|物流单号|快递|状态|进度|什么时候到|什么时候能到|何时到|到了没|到没到|送到了吗|送到没|在哪|多久到|几天到|到货了吗|到了吗|出库|还没到|没收到|还没发|单号/;

const REORDER_REF = /上次|上回|上一次|上一单|上个月那|上月那|上个月的单|之前那单|老样子|老规矩|老一套|惯例|照旧|原样/;
const REORDER_DO = /一样|照|按|重复|再来|再下|再订|重新|同样|老样子|老规矩|老一套|原样|复制/;

const BIND = /绑定|绑一下|绑个|关联账号|关联一下|认证|验证身份/;
const BIND_SELF = /我是|我们是|编号|账号|代码|经销商号|手机|电话/;

const CLAIM =
  /我接手|我拿了|我来看|我来处理|我来跟|我来负责|我来|我接|接了|接单|认领|领了|分给我|交给我|给我吧|我负责|我跟进|我处理|我去处理|归我/;
const RESOLVE =
  /已解决|关了|关掉|已补发|解决了|已处理|处理完|处理好了|搞定|关闭|关单|办结|完结|结案|已完成|完成了|已办|已回复|已答复|已落实|标记.{0,12}(解决|完成|关闭)/;
// Manager shorthand, read only from managers (from a dealer the same words are not a command).
const CLAIM_SHORT =
  /拿下|分到我|分给我|我跟|俺来|我来|我去|我这边|给我|我的$|算我|派给我|交我|归我|我接|^接|^take|认领|我负责|我处理|我盯/;
const RESOLVE_SHORT =
  /搞完|搞好|结了|结单|完成|ok了|好了|完事|办完|搞掂|解决|换好|可以关|弄好|弄完|处理掉|闭环|关闭|关了|关掉|搞定/;
const AM_LIST_SHORT =
  /(需求|工单|任务|活|单|事).{0,6}(有哪些|有几个|多少|挂着|没结|没搞定|没处理|没弄)|(哪些|几个|啥|什么).{0,6}(需求|工单|任务|没搞定|没处理|要处理|没结)|需求池|my\s*list|open\s*needs|手头的活|我的任务|今天.{0,4}(新进来|新来|进来)|要我处理|还挂着/;
const TRANSFER = /转交|转给|转派|转到|交给|分给|指派给|派给|移交/;
const LOOKUP = /查|看|资料|档案|情况|画像|信息|怎么样|数据|订货|销量|概况|详情|调出|调取|打开/;
const QUESTION = /吗|\?|没有?$|了没|呢$|怎么样|如何|多久|什么时候/;

const NEED_STATUS_REF =
  /要的|报修|的事|那个事|说派|说好|申请|需求|工单|反馈|提的|报的|报修|投诉|问题|事情|说的|提过|反映的|售后|那事/;
const NEED_STATUS_ASK =
  /赔了没|去了没|寄出来没|安排了没|有人看|定了没|有人去|没消息|搞好了没|定了吗|到底啥时候|咋说|有结果|怎么还没|批了|批下来|批没|批了没|审批|通过了没|有下文|回音|咋样了|怎么说|搞了没|弄了没|办了没|管没|回复|进展|进度|结果|处理得怎么样|怎么样了|有消息|答复|落实|处理了吗|处理了没|解决了吗|解决了没|有人管|有人跟|多久|什么时候处理|状态/;

const REBATE = /返利|返点|返现|档|反利|点位|达成率|离\d+(\.\d+)?%/;
const REBATE_PROGRESS =
  /^查|冲|账户|progress|进度|多少|还差|差多少|到哪|几档|几个点|多少个点|几个百分点|点数|下一档|下个档|那一档|哪一档|升档|累计|拿了|算下来|能拿多少|现在|目前|达到|够不够|情况|明细|我的返利|到账|发放|发了|什么时候(到|发|给)|兑现|到档|上档|够档|达成|算算/;
const REBATE_COMPLAINT =
  /怎么(还)?没(到账|到|发)|还没(影|到账|发|到)|说好.{0,8}(没|还没)|跟我算的不一样|不对|(?<!多)少了|算错|少算|对不上/;
const EXPLAIN =
  /怎么算|怎么计算|怎么拿|如何|规则|是什么|什么意思|怎么参加|怎么参与|怎么样算|解释|讲讲|说说|介绍|详细|具体|条件|门槛|标准|怎么领|怎么申请|怎么享受|啥意思|咋算|咋拿|怎么弄|怎么回事|怎么给|划分|计算方法|算法|按什么|按啥|每档|每个档|每一档/;
const LIST =
  /哪些|什么|有没有|有啥|啥|列一下|列出|列表|清单|都有|所有|有哪|几个|^(最近|近期|这个月|本月)的?(促销|活动|优惠)$/;
const POLICY_WORDS = /政策|活动|促销|优惠|返利|折扣|特价|打折|满减/;
const POLICY_SLOT: Array<[RegExp, PolicyCode]> = [
  [/周年|合作(满|年限|.{0,2}年)|满.{0,2}年/, 'anniversary_bonus'],
  [/成长奖|成长激励|增长奖|成长返利|年度成长|成长|growth|同比|增长|比去年/, 'growth_reward'],
  [
    /阶梯|梯度|台阶|季度返利|返利档位|返点政策|[返反]利(规则|门槛|的计算|计算|怎么|咋|如何|按)|[返反][利点]政策.{0,4}(解释|详细|讲|说说|介绍)|ladder/,
    'ladder_rebate',
  ],
  [/满减|满.{1,4}减|促销|特惠|优惠活动|折扣|打折|满赠|买赠|特价活动|秒杀|团购|活动/, 'promotion'],
];

const RATING_SAID =
  /(满意|不满意|一般|还行|不错).{0,3}[1-5一二三四五]\s*(分|星)$|(给|打|评)(你们?|个|一个)?\s*[1-5一二三四五]\s*(分|星|颗星)|[1-5一二三四五]星好评|好评|差评/;

const STATEMENT =
  /^对账|对账$|欠了(多久|多少|几)|超期的?(有|几|多少|款|账)|(哪几|几)笔.{0,3}到期|^(看看|看下|查下|查查)?我的账户|欠款|未付|账期到|账期还|预付款|额度|赊|要还|没付|对下账|对个账|欠.{0,4}钱|对账单|账单|欠(你们|公司|厂家|厂里)?(多少|几)|还欠|欠款(多少|还有|情况)|欠多少|应付|应收|信用额度|授信额度|额度(还)?(剩|有|多少|够)|剩(多少|几)额度|逾期|余额|往来账|结余|账户(情况|余额)|货款(还)?(剩|欠|多少)/;
const STATEMENT_WRONG = /多扣|扣多|少算|多算|算错|错了|有误|对不上|不一致|搞错|不对/;
const REBATE_STATEMENT = /对账|结算单|结算明细|账单|结算情况/;
// A verdict either way ("返利给的太少", "这次政策挺合理的", "政策没啥吸引力"); a question about the policy is no verdict.
const POLICY_COMMENT =
  /门槛(有点|太|偏|也太|比较|挺)?(高|低)|(返利|返点|点数|比例|政策|奖励|力度)(给的|给得|定的|定得)?(有点|太|偏|也太|比较)(低|少|高|难|小|严)|政策.{0,4}(挺好|不错|还行|挺合理|很合理|不合理|挺给力|很给力|实在|没啥吸引力|没吸引力|不公平|不太公平|不友好)|(要求|目标|任务)(有点|太|偏|也太)(高|难)|(太难|很难)(拿到|达到|完成)|够不着/;
const STATEMENT_DISPUTE = /不对|错了|有误|对不上|多扣|少算|算错|核对|有问题|不一致|差了|发票|开票|只有|没收到|搞错/;
const TIER =
  /等级|级别|升星|几星|我是[a-z]类|哪一?类(经销商|客户)|档会员|星级|评级|几星|几级|什么级|哪一级|会员级|分级|降级|降了级|(?<!形象店?|门店|店面|店铺|展厅|门头|店招|招牌|装修)升级|升了级|掉级|保级|权益|金牌|银牌|铜牌|钻石|荣誉|获奖|奖项|得过.{0,2}奖|得了什么奖|(是不是|算不算|还算|还是不是|算是)(核心|重点|普通|沉默)(客户|经销商|户)/;
const ENROL =
  /报名|报个(?![价修账])|想报(?![销修价账])|也报(?![销修])|报一个|算我们一个|我们也来|我们也参加|sign\s*up|baoming|加到|加进|报[两俩三几]个|报个名|报一下名|我要报|帮我报|报上|参加|参与|想上|要上|预约|留个名额|占个名额|算我一个|加入|带上我们|我们也去|我们也要/;
// Giving up a seat already booked ("我想退出培训", "社群营销那个课不去了", "取消报名").
const WITHDRAW =
  /退出|退掉|退课|退报|退了|取消报名|撤销报名|取消.{0,8}(培训|课)|不报了|不参加了|参加不了|不去了|去不了|来不了|上不了/;
// "要报的是X那个", "再报一个X": X names a course (a 价/修/销/账 after 报 is something else).
const ENROL_NAMED =
  /(?:要报的是|报的是|再报[一1]?个|也报[一1]个)(?![价修销账单])([\u4e00-\u9fff]{2,14}?)(?:那个|那门|这个|的)?(?:课|培训)?(?:吧|呢|啊)?$/;
const ENROL_ASK = /怎么报名|如何报名|怎么参加|如何参加|哪些|什么|有没有|有啥|规则|条件|门槛|是什么|怎么算/;
const CAMPAIGN_WORDS =
  /博会|巡展|体验季|品鉴|体验节|节|促销|大促|联合|推广|团购|直播|展会|活动|巡展|联盟|庆|品牌日|campaign/;
const TREND =
  /火不火|还火|火吗|有市场|都买啥|都买什么|爱买|喜欢买|网红款|适合推|推啥|最火|喜欢啥|喜欢什么|走得快|卖得快|都在卖|受欢迎|爆品|都进啥|都进什么|好卖|畅销|热销|爆款|卖得(好|最好|火|快)|什么(卖|最卖)|流行|趋势|行情|市场(怎么样|情况)|大家都在(卖|进)|主流|热门|风向/;
const SALES =
  /动销|卖了多少|卖了几|卖出(去)?(多少|了|几)|销量|销售(情况|数据|额|明细|报表)|走了(多少|几)|出了多少货|卖掉(多少|了)|卖[得的](怎么样|咋样|如何|怎样)|哪个店卖|各个?门?店|每个店/;
/** A week said alone, as a bare follow-up says it ("那这周呢", "上个礼拜的呢"). */
const BARE_WEEK = new RegExp(`^(那|那么|还有)?(${SALES_WEEK_WORDS})的?(呢|吗|的呢)?[?？。.]*$`);
const SALES_NOT = /慢|卖不动|卖不掉|卖不出|压|滞销/;
/** Asking the amount already sold: 卖了多少, 走了几套, 出了多少货. */
const SOLD_AMOUNT = /卖了(多少|几)|走了(多少|几)|出了多少货|卖掉(多少|了)|卖出(去)?(多少|几)/;
/** What the last order held ("上次订的啥", "上一单买了些什么"): the order itself, never a reorder. */
const LAST_ORDER_WHAT =
  /(上次|上回|上一次|上一单|最近一次|最近一单|之前|刚才|刚刚)(订|买|进|下单|下)(的|了)?(货)?(是)?(啥|什么|哪些|些啥|些什么|哪几样)/;
/** How much the dealer bought ("这个月订了多少", "我这个月买了多少钱的货", "今年进了多少货"). */
const PURCHASE_AMOUNT =
  /(订|买|进)了(多少|几)|(订|买|进)了?多少钱的?货|(订|买|进)的货(款)?(一共|总共)?(多少|几)|(进货|订货|采购)(额|金额|总额)|采购了多少/;
/** The products a question names, as `items` slots without quantities (none when it names none). */
const namedSkus = (f: Facts): Slots =>
  f.items.items.length > 0 ? { items: f.items.items.map((i) => ({ sku: i.sku })) } : {};
/** What was bought ("上个月买了哪些东西", "这个月订了些啥"), asked with a period. */
const PURCHASE_WHAT = /(订|买|进)(了|的)(些|哪些|什么|啥|些啥|些什么|哪几样)(东西|货|产品)?/;
/** This year so far ("今年", "今年以来", "年初到现在"). */
const THIS_YEAR = /今年|本年度?|年初(到|至)(现在|今天)/;
/** The dealer's own shop ("店里", "我们卖得最快的") as against the region around it ("我们这边", "本地"). */
const OWN_SHOP = /我自己|店里|我店|我们店|我的店|本店|我家|我们卖|我卖|咱店|门店/;
const REGION_WORDS = /这边|这一带|这块|本地|当地|区域|附近|周边|我们这儿|我们这里|县城|市场|大家/;
const LADDER_NAMED = /阶梯|梯度|台阶/;
/**
 * Small talk that is no request of ours (TV, food, love, lottery, insults): not understood, and no model may guess
 * an intent for it from a stray word ("电视剧" → 卖得好).
 */
const OFF_TOPIC =
  /电视剧|电影|综艺|追剧|打游戏|吃啥|吃什么|菜谱|红烧|几点了|彩票|股票|炒股|基金|女朋友|男朋友|有对象|老婆|老公|作业|涨粉|你喜欢|你(好|真|咋|怎么)?(这么|太|真|好)?(笨|蠢|傻)|什么模型|老板叫/;
const DEALER_NEEDS_ASK =
  /(需求|工单).{0,6}(谁|哪些|有几|几个|多少|进度|怎么样|情况|跟进|处理|列表|还有)|(谁|哪个|哪位).{0,4}(跟|处理|负责|接)/;
const AM_LIST =
  /(我手上|我手头|手上|手头|我名下|名下|我的|待|没|未|还没).{0,8}(处理|跟进|解决|认领|办|需求|工单)|今天.{0,4}(新|来了).{0,4}(需求|工单)|新(来的)?需求|超时|逾期|需求列表|工单列表|待办|有哪些(需求|工单)/;
// A manager's own dealers ("我名下几家经销商", "我管的客户列表", "我的核心客户"); 客户经理 is a person, not a dealer.
const AM_DEALERS =
  /((我|俺|wo)(负责|管|对接|跟|带|分管|管理|维护)|(我|俺)?(名下|手上|手下|手里|手头|片区|辖区)|我的|我们的|我这边|(我|俺)在.{1,6}的).{0,6}(经销商|客户|代理商|代理|商家|分销商|门店老板)(?!经理)|^(核心|重点|普通|沉默)的?(经销商|客户)|(经销商|客户|代理商)(列表|清单|名单|一览|总览|汇总)|(几|多少)(家|个)(经销商|客户|代理商)/;
const AM_DEALERS_ASK =
  /有哪些|哪几家|几家|多少家|多少个|都有谁|有谁|是谁|哪些|列表|清单|名单|列一下|列个|列出|拉一下|排一下|排个|排序|一览|汇总|总览|概况|盘一下|盘点|情况|都怎么样|怎么样|咋样|发我|给我看|看看|看下|看一下|查一下|查下/;
// Whom to contact first ("这周该联系谁", "今天先跟进哪几家", "本周拜访计划").
const AM_PLAN =
  /(该|要|先|需要|应该|得|优先|重点|最好|去)(先|优先)?(联系|跟进|拜访|回访|走访|跑|打电话给?|电话|找|约|维护|关注|关心)(一下|下)?(谁|哪[几些个]|哪家|什么人|啥人)|(联系|跟进|拜访|回访|走访|电话)(谁|哪[几些]|哪家)|(拜访|回访|联系|跟进|走访)(计划|安排|名单|清单|优先级|顺序|重点)|(谁|哪[几些个]家?|哪家)(客户|经销商)?[^,.]{0,4}(该|要|需要|得|应该).{0,2}(联系|跟进|拜访|回访|维护|关注|关心|走动)|(先|该|要)去(哪[几些]家?|哪家)|打给谁|(给|跟|和|找)(谁|哪[几些]家?|哪家)(联系|聊|沟通|打电话|打个电话|谈)|(该|要|需要|得)(联系|跟进|拜访|回访)的(客户|经销商)/;
// What a dealer may ask the same way about someone of theirs (after-sales, their manager, HQ): not a contact plan.
const AM_PLAN_NOT = /需求|工单|售后|维修|客服|经理|厂家|总部|物流|发货|退货|快递|师傅/;
// Only a contact plan names the dealers or the days of a manager's week.
const AM_PLAN_SCOPE = /哪几|哪些|哪家|几家|计划|名单|清单|这周|本周|今天|今日|这几天|下周|明天|优先|顺序/;

// A manager approving a dealer's campaign application ("批准 D0012 新品体验节", "同意D0012报名").
const APPROVE = /批准|同意|通过|准了|批了|批一下|批下|审批|审核|approve/;
const APPROVE_WORDS =
  /批准|同意|通过|准了|批了|批一下|批下|给|审批|审核|approve|d\s*\d{4}|的?(报名|申请)|参加|参与|一下|吧|了|我们?|他们?|她们?|这家|那个|[,，。.!！:：\s]/g;
const CONTACT =
  /联系.{0,2}(完毕|好了|过了)|去过|打电话了|电话了|已沟通|上门了|出来|log|记一下|记录一下|已联系|联系了|联系过|打过电话|打了电话|通了电话|电话沟通|拜访|沟通了|沟通过|聊了|聊过|回访|见了|面谈|走访|去了趟|约了/;

const ATTEND = /到了|到场|签到|出席|来了|参加了|参训了|听课了|上课了|来上课|已到|到课|来听课|培训完/;
const ATTEND_TRAINING = /培训|课程|课|训练营|讲座/;

/** The course words of an attendance ("d0012安装培训到了" → "安装培训"), without the code and the attendance verb. */
function attendedCourse(k: string): string | undefined {
  const rest = k
    .replace(/d\d{4}/g, '')
    .replace(ATTEND, '')
    .replace(/^(今天|昨天|刚才|已经|已|的|参加|上)+|(了|的|啦|都|也|今天|昨天)+$/g, '')
    .replace(/[\s.,!?;:~，。！？；：]/g, '');
  return rest.length >= 2 ? rest : undefined;
}

const STOCK_AVAIL = /有货|有没有货|有现货|现货|库存|库纯|存货|还剩|剩多少|剩几|缺货|断货|没货|货够|有卖|还有货/;
const STOCK_QTY = /还有多少|有多少|还有吗|还有没有|多少套|几套|多少个|够不够/;
const PRICE = /多少钱|价格|价钱|单价|报价|什么价|几钱|拿货价|进货价|进价|出厂价|批发价|贵不贵|啥价|多少一/;

const REPLENISH =
  /快断货|快没|安全库存|库存预警|补啥|补货|补点|补些|补什么|补哪|该补(?!贴|助|偿)|要补(?!贴|助|偿)|需要补(?!贴|助|偿)|进哪些|进什么|进点什么|该进|建议.{0,6}(进|补|订|备)|推荐.{0,10}(进|补|订|备|产品|货|款|门|窗|柜)|备什么|备点什么|备哪些|缺什么货|订什么好|进货建议|补货建议|该订|新品推荐|有什么新品|有哪些新品/;

const TRAINING_LIST_WORDS = /培训|课程|课|大师班|训练营|成长营|讲座/;
const TRAINING_LIST_ASK = /哪些|什么|有没有|有啥|课程表|列表|安排|计划|日程|清单|报名|发我|看看|几个|最近|吗|\?/;
const TRAINING_REQUEST =
  /找个|找人|来店|到店|来我们|申请|派人|派个|请.{0,6}来|来给|给我们|上门|安排一次|组织一次|做个|搞个|办一次|办个|想要|需要/;

const CASE_REQ =
  /例子|成功做法|别人是怎么|做得好的|做成的|案例|成功经验|经验分享|分享.{0,6}经验|标杆|样板店|别人家?怎么|别的(经销商|门店|店).{0,10}怎么|同行.{0,4}怎么|其他.{0,8}(怎么做|怎么卖)|怎么做起来|学习一下别人/;

const HANDOFF =
  /转接|打给我|当面聊|当面谈|负责我们的|跟人(说|聊|沟通)|找.{0,4}领导|负责我们的人|回电|转人工|人工客服|人工服务|找人工|(?<!别)人工|真人|客服|客户经理|业务经理|区域经理|对接人|业务员|专员|经理|找个人|打电话给我|给我打电话|回个电话|回电话|来电话|活人/;
const HELP =
  /有哪些服务|什么服务|介绍下你|教我|用法|what\s*can\s*you\s*do|帮我干嘛|咋操作|第一次用|怎么弄|这东西是干|咋使|咋用|怎么玩|能做啥|能干啥|能帮我做|能问你?什么|问啥|能查什么|能查啥|说明书|指令|干啥的|做哪些事|咋问|不会用|怎么问你|你能做什么|你会什么|能干什么|能干嘛|会干嘛|你能干|有什么用|有哪些功能|有什么功能|功能|怎么用|如何使用|使用说明|使用方法|帮助|^help|菜单|你是谁|你是干什么|能帮我(做)?什么|能帮我干|怎么操作|教程|指南|能做些什么|机器人|你是ai/;
const GREETING =
  /^喂+$|^在\??$|在不$|^早|新年好|新年快乐|节日快乐|周末愉快|^老板好|^大家好|晓得了|^3q|^okk|回头聊|^先这样|麻烦了|^好的好的|在么|^早$|^早上$|货(已经)?收到了|收到货了|^货到了$|你好|您好|^hi|hello|^hey|哈喽|^嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|谢谢|感谢|多谢|谢了|辛苦|thanks|thank|thx|拜拜|再见|^好的$|^收到|^明白|^知道了|^ok$/;
// What remains of a greeting once these are gone must be (almost) nothing.
const GREETING_STRIP =
  /喂|在不|老板|嘎哈|新年好|新年快乐|节日快乐|周末愉快|老板好|大家好|晓得了|3q|okk|回头聊|先这样|麻烦了|在么|多谢你了|谢谢你了|thank\s*you|行|货(已经)?收到了|收到货了|货到了|早上|早|你好|您好|hi|hello|hey|哈喽|嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|谢谢你?们?|感谢|多谢|谢了|辛苦了?|thanks|thank you|thx|拜拜|再见|好的|收到|明白|知道了|ok|老师|经理|小助手|助手|啊|呀|哈|嗯|的|[!.,?~ \u0001]/g;

// Need categories, most specific first.
const NEED_STRONG: Array<[RegExp, NeedCategory]> = [
  [
    /压货|积压|压了|压着|压库|卖不动|卖不掉|卖不出|滞销|过期|保质期|临期|库龄|清库存|清仓|处理库存|放了(很久|好久|一年|半年)|放太久|动销慢|不好卖|去年的货/,
    'expiring_stock',
  ],
  [
    /展架|展厅|展示|样品|样板|展柜|陈列|门头|形象墙|展台|物料|海报|易拉宝|宣传册|宣传单|灯箱|展位|店招|招牌|形象店|装修补贴|(门店|店面|店铺|专卖店|店里|店)(要|想|准备|打算|得)?(重新)?(装修|翻新|改造|升级)|(装修|翻新|改造)(一下)?(门店|店面|店铺|专卖店)/,
    'display',
  ],
  [
    /少了[0-9一二两三四五六七八九十几]+(箱|套|件|个|扇|樘|卷|根)|运输|物流|专车|破损|碎了|摔坏|压坏|磕坏|送错|发错|少发|漏发|错发|配送|延误|送货慢|发货慢|到货慢|缺件|货损|磕碰|路窄|进不去|大车|小车|货车|卸货|运费|搬运|送不进|车进|上楼费/,
    'logistics',
  ],
  [
    /发票|开.{0,2}票|对账|回款|付款|打款|账期|货款|退款|转账|收据|欠款|欠费|扣款|账单|结算|汇款|信用额度|授信/,
    'payment',
  ],
];
const NEED_TRAINING = /培训|教学|讲课|授课|带教|讲解一下|老师|讲师|教教|教一下|教我们|教导购|指导一下|带一带|手把手/;
// A part that misbehaves: a quality problem (product) when it keeps happening, else a case for after-sales.
const DEFECT = /卡|晃|松|异响|响|漏|裂|掉|锈|变形|不顺|发涩|坏|断了|歪|翘|起泡|褪色|发黄|关不严|推不动|拉不动|合不上/;
const PART =
  /滑轮|轨道|把手|拉手|执手|合页|铰链|锁|玻璃|胶条|密封|五金|窗|门|柜|台面|型材|纱|框|扇|螺丝|滑撑|地弹簧|门吸/;
const RECURRING = /老|总|经常|一直|都这样|一批|批次|好几(家|个|套)|每次|天天|动不动|设计|通病|普遍/;
const INSTALLED = /装上|安装|装好|装了|用了|才用|没(俩|两|几|多久|半年|一年)|刚装|交房|客户家|上门/;
const NEED_AFTER_SALES =
  /售后|维修|修理|修一下|坏了|损坏|漏水|漏风|渗水|变形|异响|上门|返修|报修|安装问题|掉漆|生锈|关不上|打不开|锁坏|开裂|划痕|脱落|松动|装不上|退货|换货/;
// Asking for repair or after-sales service, or a fault of a working part: no display request, whatever is broken
// (装修 — refitting a showroom — is display).
const REPAIR_ASK =
  /售后|维修|修理|(?<!装)修(一下|下|修|好)|来修|报修|返修|师傅|漏水|渗水|漏风|异响|关不上|关不严|打不开|推不动|拉不动|合不上|锁坏|松动|卡住/;
// Refitting the shop's face (门头, 店招, 形象店, 展厅, the shop itself) and asking for support or a subsidy for it: a
// display need for the account manager — no policy the assistant computes covers it ("形象店升级有啥政策").
const STORE_IMAGE =
  /门头|店招|招牌|形象店|形象墙|展厅|(门店|店面|店铺|专卖店|店里|店)(的)?(形象|门面)|(门店|店面|店铺|专卖店|店里|店)(要|想|准备|打算|得)?(重新)?(装修|翻新|改造|升级)|(装修|翻新|改造)(一下)?(门店|店面|店铺|专卖店)|装修补贴/;
/** The dealer's own tier asked about beside a refit ("门店升级了 等级能升吗"): a tier question. */
const TIER_OWN = /等级|级别|星级|几星/;
const STORE_REFIT_ASK =
  /装修|翻新|改造|升级|重做|重新做|换新|换个新|换一个|支持|补贴|补助|出钱|出点钱|报销|费用|申请|政策/;
const NEED_POLICY =
  /(申请|争取|帮我报|报一下|报名|给点|给些|能不能给|想要|需要).{0,12}(政策|返利|特价|支持|补贴|让利|优惠|价格|折扣)|(政策|价格|特价|市场)支持|补贴|让利/;
const NEED_PRODUCT =
  /色差|质量|颜色|灰色|白色|黑色|金色|款式|出一款|出个|新款|开发|改进|尺寸|规格|定制|新品|做一款|上新|工艺|材质|漆面|花色|配色|型材|做工|气味|甲醛/;
const NEED_REQUEST =
  /麻烦|请帮|帮我们|帮忙|申请|需要.{0,4}(帮|支持|协助)|反馈|投诉|建议|更新|修改|变更|搬|换地址|改一下|协调|处理一下/;
const NEED_BUSINESS =
  /门店|店|系统|信息|账号|地址|资料|合同|经销|总部|客户|工地|产品|订单|业务|电话|联系人|营业执照|法人|公司|货|窗|门|柜/;

const RATING_WORDS: Array<[RegExp, number]> = [
  [/非常不满意|很不满意|特别不满意|极差|太差|很差|垃圾|差评|非常差|特别差/, 1],
  [/不满意|不太满意|不好|较差|比较差|差|太慢|很慢|慢/, 2],
  [/非常满意|很满意|特别满意|十分满意|超满意|满分|五星|好评|完美|非常好|太好了|很棒|特别好|超级好/, 5],
  [/一般|还行|凑合|马马虎虎|中等|普通|及格/, 3],
  [/满意|不错|挺好|比较好|可以|好/, 4],
];

// ---------------------------------------------------------------- parser

function cut(text: string, from: number): string {
  return text
    .slice(from)
    .replace(/^[\s,，。.:：;；、!！]+/, '')
    .replace(/[\s。.!！]+$/, '')
    .trim();
}

// ---- context answers

function parseRating(f: Facts, text: string): ParseResult | null {
  const m =
    /(?<![0-9.])([1-5一二两三四五壹贰貳叁參肆伍])\s*(分|星|颗星|颗)/.exec(f.t) ??
    // A bare score at the end ("中规中矩 3", "给个2吧"): the message answers "打几分".
    /(?:^|[\s,给打评个])([1-5])\s*(?:分|吧|啊|呀|了)?\s*[.!~]*\s*$/.exec(f.t);
  let rating: number | null = m ? parseNumber(m[1]!) : null;
  const stars = /^[\s\u2b50\u2605]+$/.test(f.t) ? (f.t.match(/[\u2b50\u2605]/g) ?? []).length : 0;
  if (rating === null && stars >= 1 && stars <= 5) rating = stars;
  let comment = '';
  if (m) {
    // The need's code and the verb of the rating are not part of the comment.
    const before = cut(text.slice(0, m.index), 0)
      .replace(/(?<![a-z0-9])n\s*\d{2,}/i, '')
      .replace(/(给个?|打个?|评个?)$/, '');
    comment = `${before.trim()} ${cut(text, m.index + m[0].length)}`.trim();
  }
  // "给4分吧" leaves no comment, only particles.
  if (comment.replace(/[给打评就吧啊呀了哈嗯,，。.!！~\s]/g, '').length < 2) comment = '';
  if (rating === null) {
    for (const [re, r] of RATING_WORDS) {
      if (re.test(f.k)) {
        rating = r;
        break;
      }
    }
    comment = text.trim();
  }
  if (rating === null) return null;
  const slots: Slots = { rating };
  if (f.needId) slots.need_id = f.needId;
  if (comment) slots.comment = comment;
  return parsed('need.rate', slots, m ? HIGH : MID);
}

// ---- manager commands

/** The needs a claim or resolve names: the first as need_id, any others ("N1003和N1004都我来") as need_ids. */
function needsNamed(f: Facts): Slots {
  const [first, ...more] = f.needIds;
  return { need_id: first, ...(more.length > 0 ? { need_ids: more } : {}) };
}

function parseManager(f: Facts, text: string): ParseResult | null {
  const { k } = f;
  if (f.needId) {
    // A need and another manager's code: hand it over ("N1031 转M010", "N1270 M003接一下").
    if (f.managerCode && (TRANSFER.test(k) || !QUESTION.test(k))) {
      return parsed('am.need.transfer', { need_id: f.needId, manager_code: f.managerCode }, HIGH);
    }
    const res = RESOLVE.exec(f.t);
    if (res && !(QUESTION.test(k) && !/标记/.test(k))) {
      const slots: Slots = needsNamed(f);
      const notes = notesPerNeed(text, f.needIds);
      const note = resolutionNote(text, f.t, res.index + res[0].length);
      if (notes) slots.need_notes = notes;
      else if (note) slots.note = note;
      return parsed('am.need.resolve', slots, HIGH);
    }
    if (CLAIM.test(k)) return parsed('am.need.claim', needsNamed(f), HIGH);
    if (!QUESTION.test(k)) {
      const done = RESOLVE_SHORT.exec(f.t);
      if (done) {
        const slots: Slots = needsNamed(f);
        const notes = notesPerNeed(text, f.needIds);
        const note = resolutionNote(text, f.t, done.index + done[0].length);
        if (notes) slots.need_notes = notes;
        else if (note) slots.note = note;
        return parsed('am.need.resolve', slots, MID);
      }
      if (CLAIM_SHORT.test(k)) return parsed('am.need.claim', needsNamed(f), MID);
    }
  }
  // "D0002的需求谁在跟": that dealer's open needs and who has each, not the dealer's profile.
  if (f.dealerCode && !f.needId && !BIND.test(k) && !CONTACT.test(k) && DEALER_NEEDS_ASK.test(k)) {
    return parsed('am.need.list', { dealer_code: f.dealerCode }, HIGH);
  }
  if (f.dealerCode && !BIND.test(k) && APPROVE.test(k) && !QUESTION.test(k) && !CONTACT.test(k)) {
    const campaign = approvedCampaign(k);
    return parsed('am.campaign.approve', { dealer_code: f.dealerCode, ...(campaign ? { campaign } : {}) }, HIGH);
  }
  if (f.dealerCode && !BIND.test(k)) {
    // "D0012 安装培训到了", "D0012参加了陈列培训": attendance at a session, not a contact of the manager's.
    if (ATTEND.test(k) && ATTEND_TRAINING.test(k) && !QUESTION.test(k)) {
      const course = attendedCourse(k);
      return parsed('am.training.attend', { dealer_code: f.dealerCode, ...(course ? { course } : {}) }, HIGH);
    }
    const contact = CONTACT.exec(f.t);
    if (contact) {
      const slots: Slots = { dealer_code: f.dealerCode };
      const note = contactNote(text) ?? cut(text, contact.index);
      if (note) slots.note = note.slice(0, 200);
      return parsed('am.contact.log', slots, HIGH);
    }
    return parsed('am.dealer.lookup', { dealer_code: f.dealerCode }, LOOKUP.test(k) ? HIGH : MID);
  }
  if (!f.needId && AM_PLAN.test(k) && !AM_PLAN_NOT.test(k)) return parsed('am.contact.plan', {}, HIGH);
  if (!f.needId && isDealerList(k)) return parsed('am.dealer.list', {}, HIGH);
  if (!f.needId && AM_LIST.test(k)) return parsed('am.need.list', {}, HIGH);
  if (!f.needId && !f.dealerCode && AM_LIST_SHORT.test(k)) return parsed('am.need.list', {}, MID);
  const dealerName = LOOKUP.test(k) ? extractDealerName(k) : undefined;
  if (dealerName) return parsed('am.dealer.lookup', { dealer_name: dealerName }, MID);
  return null;
}

/** "我名下几家经销商", "我的核心客户": the manager's own dealers, asked for (a need or a complaint is something else). */
function isDealerList(k: string): boolean {
  if (!AM_DEALERS.test(k) || /需求|工单|投诉|待办|没处理|超时|反映|反馈|说|要货|下单|订/.test(k)) return false;
  // Without a question word only the bare noun asks ("我的核心客户"); "我这边客户想要灰色的" tells something.
  return AM_DEALERS_ASK.test(k) || /(经销商|客户|代理商|代理|商家|分销商)(们)?(呢|吧|啊|呀)?[\u0001,.!?~]*$/.test(k);
}

/** The campaign named in an approval, what is left once the code, the verb and particles are gone. */
function approvedCampaign(k: string): string | undefined {
  const rest = k.replace(APPROVE_WORDS, '').replace(/^的|的$/g, '');
  // "那个活动" names nothing.
  return rest.length >= 2 && rest.length <= 30 && rest !== '活动' ? rest : undefined;
}

// The words that only say "record a contact" ("已联系D0002", "记一下"): not part of what was talked about.
const CONTACT_COMMAND =
  /^(?:我|刚才?|今天|已经|刚刚)*(?:已|刚)?(?:联系|电话联系|沟通|回访|拜访|走访)(?:了|过|完毕|好了)?(?:一下)?|^(?:帮我)?(?:记一下|记录一下|log)/i;
const LEADING_DEALER_CODE = /^D\s*\d{4}/i;

/** What was talked about ("已联系D0002 聊了下展厅布置" → "聊了下展厅布置"); undefined when nothing is left but the command. */
function contactNote(text: string): string | undefined {
  let note = text.trim();
  for (let prev = ''; prev !== note; ) {
    prev = note;
    note = note
      .replace(CONTACT_COMMAND, '')
      .replace(LEADING_DEALER_CODE, '')
      .replace(/^[\s,，。.:：;；、!！]+/, '');
  }
  note = note.replace(/[\s。.!！]+$/, '').trim();
  return note.length >= 2 ? note : undefined;
}

/** The note after the resolve keyword ("N1024已解决，已安排售后上门" → "已安排售后上门"), cut from the original. */
/**
 * "N1001 搞定 已安排培训 N1002 玻璃已换好": each need's own note (the words after its resolve word, up to the next
 * need), in the order of `ids`; undefined unless at least two needs have one (one note is the whole message's).
 */
const LEADING_RESOLVE = new RegExp(
  `^[\\s,，。.:：;；]*(${RESOLVE.source}|${RESOLVE_SHORT.source})?[了啦的]?[\\s,，。.:：;；]*`,
);

function notesPerNeed(text: string, ids: readonly string[]): string[] | undefined {
  if (ids.length < 2) return undefined;
  const idRes = ids.map((id) => new RegExp(`n\\s*[-_]?\\s*${id.slice(1)}(?!\\d)`, 'i'));
  const at = idRes.map((re) => re.exec(text)?.index ?? -1);
  if (at.some((p, i) => p < 0 || (i > 0 && p <= at[i - 1]!))) return undefined;
  const notes = at.map((p, i) => {
    // What is left of the need's words once its id and a leading "搞定"/"已解决" go: "玻璃已换好" is its own note.
    const rest = text.slice(p, at[i + 1] ?? text.length).replace(idRes[i]!, '');
    const note = rest.replace(LEADING_RESOLVE, '').replace(/[\s,，。.;；]+$/, '');
    return note.replace(/[把将给帮请\s]/g, '').length >= 2 ? note : '';
  });
  return notes.filter((n) => n !== '').length >= 2 ? notes : undefined;
}

function resolutionNote(text: string, t: string, after: number): string | undefined {
  let note = cut(text, after);
  // "标记N1052为已解决：发票已开" puts the note after a colon; "需求N1031处理完了，培训…" after the particle.
  note = note.replace(/^(了|啦|的)\s*[,，。.:：;；]?\s*/, '');
  if (note === '') {
    // Keyword at the end ("已安排上门，N1024已解决"): take what came before the need id.
    const id = /n\s*\d+/.exec(t);
    if (id) note = cut(text.slice(0, id.index), 0);
  }
  // "把 N1099 关了": what is left is no note.
  return note.replace(/[把将给帮请,，。.\s]/g, '').length >= 2 ? note : undefined;
}

function looksManagerOnly(f: Facts): boolean {
  const { k } = f;
  if (f.needId && !QUESTION.test(k) && (CLAIM.test(k) || RESOLVE.test(k) || (f.managerCode && TRANSFER.test(k)))) {
    return true;
  }
  if (f.dealerCode && /批准|审批|approve/.test(k) && !QUESTION.test(k)) return true;
  // A manager's portfolio and contact plan, asked in a manager's words ("我负责的经销商", "这周先跟进哪几家").
  if (!f.dealerCode && /负责|名下|手上|手下|手头|分管|片区|辖区|经销商/.test(k) && isDealerList(k)) return true;
  if (AM_PLAN.test(k) && AM_PLAN_SCOPE.test(k) && !AM_PLAN_NOT.test(k)) return true;
  return !!f.dealerCode && !BIND.test(k) && !BIND_SELF.test(k) && /资料|档案|画像|调出|调取|情况|订货|销量/.test(k);
}

// ---- general intents

function needCategory(text: string, ordering = false): { category: NeedCategory; strong: boolean } | null {
  // Colours and sizes of an order ("G66隐形门 黑色 6套") describe the goods, not a product problem.
  const k = ordering ? text.replace(/颜色|[\u4e00-\u9fff]?色|尺寸|规格|款式|定制|别(送|发|搞)错了?/g, '') : text;
  for (const [re, cat] of NEED_STRONG) {
    // A showroom piece that needs repairing ("样品柜坏了 需要售后") is after-sales; a prop to replace stays display.
    if (re.test(k) && !(cat === 'display' && REPAIR_ASK.test(k))) return { category: cat, strong: true };
  }
  if (NEED_TRAINING.test(k)) return { category: 'training', strong: TRAINING_REQUEST.test(k) };
  if (NEED_AFTER_SALES.test(k)) return { category: 'after_sales', strong: true };
  if (DEFECT.test(k) && PART.test(k)) {
    const recurring = RECURRING.test(k) && !INSTALLED.test(k);
    return { category: recurring ? 'product' : 'after_sales', strong: true };
  }
  if (NEED_POLICY.test(k)) return { category: 'policy', strong: true };
  if (NEED_PRODUCT.test(k)) return { category: 'product', strong: true };
  if (NEED_REQUEST.test(k) && NEED_BUSINESS.test(k)) return { category: 'other', strong: false };
  return null;
}

/**
 * "推拉窗滑轮老卡 客户天天找我" while a draft or the bot's question waits: a product named in a story about a problem,
 * without a quantity, date or change verb, is a need — not the product the draft or the question is about.
 */
function problemStory(f: Facts, r: ParseResult): boolean {
  if (r.kind === 'unknown' || r.intent !== 'order.modify' || f.qtys.length > 0 || f.date) return false;
  if (r.slots.change && r.slots.change.kind !== 'set') return false;
  if ((r.slots.items ?? []).some((i) => i.qty !== undefined)) return false;
  const cat = needCategory(f.k, true);
  return !!cat?.strong && (cat.category === 'product' || cat.category === 'after_sales') && DEFECT.test(f.k);
}

// The service the dealer names is what they ask for, whatever the story's other words: after-sales ("需要售后",
// "报修"), a training ("想申请一次社群营销培训" — 申请 alone reads as policy to the category model), marketing materials
// for the shop ("申请点物料支持，海报易拉宝" — 支持 alone reads as policy). Money for it named ("培训补贴") stays open.
const CATEGORY_NAMED: Partial<Record<NeedCategory, RegExp>> = {
  after_sales: /售后|维修|报修|返修|修理/,
  training: /培训/,
  display: /物料|海报|易拉宝|宣传册|宣传单|展架|灯箱|门头|店招/,
};
const MONEY_NAMED = /补贴|补助|返利|政策|费用|报销|让利|优惠/;

/** The rules read a need whose message names the service itself ("样品柜坏了 需要售后", "申请一次培训"). */
export function namesItsCategory(f: Facts, r: ParseResult): boolean {
  if (r.kind === 'unknown' || r.intent !== 'need.submit' || !r.slots.category) return false;
  const named = CATEGORY_NAMED[r.slots.category];
  if (!named?.test(f.k)) return false;
  return r.slots.category === 'after_sales' || !MONEY_NAMED.test(f.k);
}

/** The rules read a need from a story about a product's problem (a defect word and a part). */
export function isProblemStoryNeed(f: Facts, r: ParseResult): boolean {
  if (r.kind === 'unknown' || r.intent !== 'need.submit' || !DEFECT.test(f.k)) return false;
  const cat = needCategory(f.k, true);
  return !!cat?.strong && (cat.category === 'product' || cat.category === 'after_sales');
}

/** A sales question's month or week, read with the products masked ("N60十月卖了几套" is October's). */
function salesPeriodOf(f: Facts): Slots {
  return extractSalesPeriod(mask(f.t, f.mentions).replace(/\s+/g, ''), f.ctx.now);
}

function policySlot(k: string): PolicyCode | undefined {
  for (const [re, code] of POLICY_SLOT) if (re.test(k)) return code;
  return undefined;
}

/**
 * Parses one message into an intent and its slots. Pure and synchronous; `matcher` is built once. A second request
 * in the same message ("N60 20套，顺便问下返利到哪档了") comes back in `slots.also`. Confidence ≥ 0.9 means a
 * high-precision rule fired; below, the rules are unsure (the trained model decides).
 */
export function parseIntent(text: string, ctx: ParseContext, matcher: CatalogMatcher): ParseResult {
  return parseFacts(extractFacts(text, ctx, matcher), text);
}

/** `parseIntent` over the facts of `text`, extracted once (the parser shares them with `slotsForIntent`). */
export function parseFacts(f: Facts, text: string): ParseResult {
  const one = parseOne(f, text);
  const split = withSecondRequest(text, f, one);
  // No connector split it: two questions side by side ("N60还有几套 上月卖了多少") may still be two.
  const r =
    split === one
      ? withClausePair(text, f, withChangeBesideQuestion(text, f, withSideBySideQueries(text, f, one)))
      : split;
  return f.unsold && f.mentions.length === 0 ? unsoldProduct(f, r) : r;
}

/**
 * "子母门 10套", "有衣柜吗": asking for or about a kind of product we do not sell is answered with that — never as
 * another product, never as "没明白". Stories about it (a need) and other requests keep their reading.
 */
function unsoldProduct(f: Facts, r: ParseResult): ParseResult {
  const productish =
    r.kind === 'unknown'
      ? r.reason === 'no_match'
      : r.intent === 'order.place' || r.intent === 'stock.query' || (r.intent === 'order.modify' && !r.slots.items);
  if (!productish) return r;
  const ordering = f.qtys.length > 0 || f.items.looseQty > 0 || ORDER_VERB.test(f.k);
  return parsed(ordering ? 'order.place' : 'stock.query', { unknown_product: f.unsold! }, HIGH);
}

function parseOne(f: Facts, text: string): ParseResult {
  const { k, ctx } = f;
  if (k.replace(/\u0001/g, '') === '') return unknown('empty', 0);
  if (INJECTION.test(k)) return unknown('injection', 0.9);
  // Changing one's own terms is not something a chat message can do ("把我的返利改成10%").
  if (SELF_EDIT_WHOSE.test(k) && SELF_EDIT_VERB.test(k) && SELF_EDIT.test(k)) return unknown('not_allowed', 0.95);
  // A statement with a dealer code: a manager's for that dealer; a dealer's for another is refused by the handler.
  if (f.dealerCode && STATEMENT.test(k) && !STATEMENT_DISPUTE.test(k) && !/绑定/.test(k)) {
    // The code's digits must not read as the month's ("D001310月" is October).
    const period = extractPeriod(k.replace(/d\d{4}/gi, '|'), ctx.now);
    return parsed('account.statement', period ? { period } : {}, HIGH);
  }
  // (A message that gives a phone number is binding, and asking how others did it is a request for cases.)
  if (ctx.sender === 'dealer' && OTHERS_DATA.test(k) && !f.phone && !BIND.test(k) && !CASE_REQ.test(k)) {
    return unknown('not_allowed', 0.9);
  }

  if (!ctx.awaiting && OFF_TOPIC.test(k) && f.mentions.length === 0 && !f.dealerCode && !f.orderNo && !f.needId)
    return unknown('off_topic', 0.8);

  // 1. Answers to what the conversation is waiting for.
  if (ctx.awaiting === 'need_rating') {
    const r = parseRating(f, text);
    if (r) return r;
  }
  if (ctx.awaiting === 'order_confirm') {
    const r = parseDraftMessage(f);
    if (r && !problemStory(f, r)) return r;
  }
  if (ctx.awaiting === 'binding' && (f.dealerCode || f.phone)) {
    return parsed('account.bind', bindSlots(f), HIGH);
  }
  if (ctx.awaiting?.startsWith('clarify_')) {
    const r = parseClarification(f);
    if (r && !problemStory(f, r)) return r;
  }

  // 2. Manager commands; the same words from a dealer are not honoured.
  if (ctx.sender === 'manager') {
    const r = parseManager(f, text);
    if (r) return r;
  } else if (looksManagerOnly(f)) {
    return unknown('manager_only', 0.9);
  } // A seat already booked given up ("我想退出培训", "取消报名 橱柜测量培训"): before 报名/培训 read as enrolling.
  if (WITHDRAW.test(k) && (TRAINING_LIST_WORDS.test(k) || /报名/.test(k)) && f.qtys.length === 0) {
    const course = extractCourse(k.replace(WITHDRAW, ''));
    return parsed('training.withdraw', course ? { course } : {}, DECISIVE);
  }

  // A seat asked for by the course's own name, without 培训/课 ("不对 我要报的是工程项目投标那个", "再报一个社群营销").
  const named = ENROL_NAMED.exec(k);
  if (ctx.sender === 'dealer' && named && !f.items.withQty && !f.orderNo) {
    return parsed('training.enrol', { course: named[1]! }, HIGH);
  }

  // 3. Orders by number.
  if (f.orderNo) {
    return parsed(CANCEL.test(k) ? 'order.cancel' : 'order.status', { order_no: f.orderNo }, HIGH);
  }

  // 4. Account binding.
  const onlyCode = f.dealerCode !== undefined && k.replace(/d\d{4}|[\u0001,.!]/g, '').length <= 2;
  if (
    BIND.test(k) ||
    (f.dealerCode && (BIND_SELF.test(k) || f.phone || onlyCode)) ||
    (f.phone && /手机|电话/.test(k))
  ) {
    return parsed('account.bind', bindSlots(f), f.dealerCode ? HIGH : MID);
  }

  // 4b. A rating said outright ("N1024 那事办得不错 给个五星").
  if (RATING_SAID.test(k) && !f.items.withQty) {
    const r = parseRating(f, text);
    if (r && r.kind === 'parsed')
      return parsed('need.rate', { ...r.slots, ...(f.needId ? { need_id: f.needId } : {}) }, r.confidence);
  }

  // 5. Needs by id.
  if (f.needId)
    return parsed('need.status', { need_id: f.needId }, QUESTION.test(k) || NEED_STATUS_ASK.test(k) ? HIGH : MID);

  const hasQtyItems = f.items.withQty;
  const question = QUESTION.test(k) || /[?？]/.test(f.t);

  // 6. Orders without number: status / cancel ("货到了少了三箱" is a logistics problem, not a status question).
  const problem = needCategory(k, hasQtyItems && f.mentions.length > 0);
  if (/^(退单|撤单|取消订单|我要退单)$/.test(k)) return parsed('order.cancel', {}, MID);
  if (ORDER_REF.test(k) && CANCEL.test(k) && !hasQtyItems && !REORDER_DO.test(k)) {
    // A placed order, named by a reference (上一单, 前天订的, 那批): cancelling it is no draft edit.
    if (/订单|单子|那单|这单|那个单|这个单|个单|上一单|的单|订的|那批/.test(k))
      return parsed('order.cancel', refSlots(f), MID);
  }
  if (
    ORDER_REF.test(k) &&
    ORDER_STATUS.test(k) &&
    !hasQtyItems &&
    !(problem?.strong && problem.category !== 'training')
  )
    return parsed('order.status', refSlots(f), MID);
  if (/订单|单子/.test(k) && /查|看看|看下|看一下|在路上|路上了/.test(k) && !hasQtyItems && !f.mentions.length)
    return parsed('order.status', {}, MID);
  // A bare shipping question ("查物流", "物流信息") is about the recent orders, not a logistics complaint.
  if (/^(查|查下|查一下|查询|看看|看下)?(物流|快递)(信息|单号|到哪了?|情况)?(呢|吗)?$/.test(k)) {
    return parsed('order.status', {}, MID);
  }
  // A bare "我的订单" / "最近订单" / "订单记录" asks for the recent orders.
  if (/^(我的|我们的|最近的?|近期的?)?(订单|单子)(列表|记录|情况)?(呢|吗)?$/.test(k))
    return parsed('order.status', {}, MID);

  // 6. A week and nothing else ("那上上周呢"): only sales are answered by the week (a follow-up of a sales question
  // is taken before this, bot/dialog/followup.ts) — never what 上上 resembles elsewhere (the last order again).
  if (BARE_WEEK.test(k)) return parsed('sales.query', { span: salesWeek(k)! }, DECISIVE);

  // 6a. Refitting the shop's face, or support for it: a display need, whatever policy or tier words come with it —
  // not the progress of one asked for before ("展厅装修的支持申请 审批了吗") nor others' cases of it.
  const refit =
    STORE_IMAGE.test(k) && STORE_REFIT_ASK.test(k) && !REPAIR_ASK.test(k) && !TIER_OWN.test(k) && !CASE_REQ.test(k);
  if (refit && !hasQtyItems && !(NEED_STATUS_REF.test(k) && NEED_STATUS_ASK.test(k)))
    return parsed('need.submit', { category: 'display' }, DECISIVE);

  // 6b. The account, the tier, sign-ups and sales (NLU.md's newer intents).
  // A statement that does not add up ("对账单多扣了两千") is a payment need (NLU.md), linked to the statement.
  if (STATEMENT.test(k) && STATEMENT_WRONG.test(k)) return parsed('need.submit', { category: 'payment' }, DECISIVE);
  // The rebate statement ("返利对账单", "本季度返利结算单") is a statement of the rebate account.
  if (REBATE.test(k) && REBATE_STATEMENT.test(k) && !REBATE_COMPLAINT.test(k)) {
    const period = extractPeriod(k, ctx.now);
    return parsed('account.statement', period ? { period } : {}, HIGH);
  }
  // A verdict on a policy ("门槛有点高", "返点太低了") is feedback on it, not a question.
  if (POLICY_COMMENT.test(k) && !/[吗吧么]$|怎么|多少|几|哪|有没有|有啥|什么/.test(k))
    return parsed('policy.feedback', {}, DECISIVE);
  if (STATEMENT.test(k) && !STATEMENT_DISPUTE.test(k)) {
    const period = extractPeriod(k, ctx.now);
    return parsed('account.statement', period ? { period } : {}, HIGH);
  }
  // "S30啥价 我这个级别能打几折": the price of a product at my tier is a price question.
  const priceAsk = f.mentions.length > 0 && PRICE.test(k);
  if (TIER.test(k) && !RATING_SAID.test(k) && !hasQtyItems && !priceAsk) return parsed('tier.query', {}, HIGH);
  if (ENROL.test(k) && !ENROL_ASK.test(k) && !hasQtyItems) {
    // The last noun decides: "抖音直播的课" is a course about live streaming, "抖音联合直播" a campaign.
    const courseHead = /(培训班?|课程?|讲座|训练营|大师班)(吧|呢|啊|哈)?$/.test(k);
    if (TRAINING_LIST_WORDS.test(k) && (courseHead || !CAMPAIGN_WORDS.test(k.replace(/培训班?/g, '')))) {
      const course = extractCourse(k);
      return parsed('training.enrol', course ? { course } : {}, HIGH);
    }
    // A price promotion (满减, 特价) is a policy to explain; a joint campaign (体验节, 区域促销) is joined.
    if (CAMPAIGN_WORDS.test(k) && !/满减|折扣|打折|特价|满赠|买赠|秒杀|返利/.test(k)) {
      const campaign = extractCampaign(k);
      return parsed('campaign.join', campaign ? { campaign } : {}, HIGH);
    }
  }
  // The dealer's own purchases (订/买/进货 — 卖 is sell-through): "上次订的啥" is the last order, "这个月订了多少"
  // the month's orders, which the statement counts and sums.
  if (LAST_ORDER_WHAT.test(k) && !hasQtyItems) return parsed('order.status', { ref: { kind: 'last_order' } }, DECISIVE);
  const purchaseAsk =
    PURCHASE_AMOUNT.test(k) || (PURCHASE_WHAT.test(k) && (THIS_YEAR.test(k) || !!extractPeriod(k, ctx.now)));
  if (purchaseAsk && !SALES.test(k) && !REBATE.test(k) && !/还(要|差|得)|再/.test(k) && !hasQtyItems) {
    const period = extractPeriod(k, ctx.now);
    const skus = f.items.items.map((i) => ({ sku: i.sku }));
    // This year's purchases, a product's, or the lines bought: the purchases answer; a month's amount alone stays
    // the statement, which counts and sums the month's orders beside its payments.
    // A product named but not resolved to one SKU is left to the questions below (which one is meant).
    if (THIS_YEAR.test(k) && !period && (skus.length || f.mentions.length === 0))
      return parsed('account.statement', { purchases: 'year', ...(skus.length ? { items: skus } : {}) }, DECISIVE);
    if (skus.length || PURCHASE_WHAT.test(k))
      return parsed(
        'account.statement',
        { purchases: 'period', ...(period ? { period } : {}), ...(skus.length ? { items: skus } : {}) },
        DECISIVE,
      );
    if (f.mentions.length === 0) return parsed('account.statement', period ? { period } : {}, DECISIVE);
  }
  // "我们这边铝合金门窗卖得怎么样": how a kind sells around here is the region's trend, not the shop's sales; a
  // span of days or weeks ("我们这边最近一周卖的怎么样") is the shop's own sales over it.
  const regionAsk =
    REGION_WORDS.test(k) &&
    !OWN_SHOP.test(k) &&
    /卖[得的](怎么样|如何|咋样|好不好)|行情/.test(k) &&
    salesWeek(k) === undefined;
  if (regionAsk && !hasQtyItems) return parsed('trend.query', {}, HIGH);
  if (SALES.test(k) && !SALES_NOT.test(k) && !REPLENISH.test(k) && !hasQtyItems) {
    const slots: Slots = salesPeriodOf(f);
    if (f.items.items.length > 0) slots.items = f.items.items.map((i) => ({ sku: i.sku }));
    // How much sold over a period that has passed ("N60 上个月走了几套") is a question, never an order: decisive;
    // so is how sales went over a span of days ("我们这边最近一周卖的怎么样"), never the region's trend.
    const decisive = (slots.period && SOLD_AMOUNT.test(k)) || slots.span === 'last_7_days';
    return parsed('sales.query', slots, decisive ? DECISIVE : HIGH);
  }

  // 7a. A rebate that did not come or does not add up is a complaint, not a question of progress.
  if (REBATE.test(k) && REBATE_COMPLAINT.test(k)) return parsed('need.submit', { category: 'payment' }, HIGH);

  // 7. Rebate progress (before stock: "返利现在有多少了").
  // A named ladder ("阶梯返利到3%要多少") asks about the ladder itself unless the dealer asks about their own place.
  const ladderAsk = LADDER_NAMED.test(k) && !/我|还差|离/.test(k);
  if (REBATE.test(k) && REBATE_PROGRESS.test(k) && !EXPLAIN.test(k) && !ladderAsk && !/申请|报名|参加/.test(k)) {
    return parsed('rebate.progress', {}, HIGH);
  }
  // A bare "返利" ("…顺便问下返利", "我的返利呢") asks where one stands.
  if (/^(我的?|我们的?)?(返利|返点)(呢|吗|嘞|咧)?$/.test(k.replace(/[\u0001,.!?~]/g, ''))) {
    return parsed('rebate.progress', {}, MID);
  }

  // 8. Negated orders never place anything.
  const negatedProduct = f.mentions.length > 0 && !hasQtyItems && /不要|不订|别订|不买|别要|别发/.test(k);
  if (negatedProduct || (NEGATED_ORDER.test(k) && (f.mentions.length > 0 || ORDER_VERB.test(k) || /单/.test(k)))) {
    return unknown('negated', 0.7);
  }

  // 9. Reorder.
  if (
    !hasQtyItems &&
    ((REORDER_REF.test(k) && REORDER_DO.test(k)) ||
      /重复上一单|再来一单$|老样子|老规矩|照旧|(和|跟|同)上(个月|次|回)一样|还是上次|同上次|复购|reorder|same\s*as\s*last|再来一单一样/.test(
        k,
      ))
  ) {
    if (!NEED_STATUS_REF.test(k) || /单/.test(k)) return parsed('order.reorder', {}, HIGH);
  }

  // 10. Need status without id ("上次申请的培训有回复了吗", "我申请的物料批了没").
  if (NEED_STATUS_REF.test(k) && NEED_STATUS_ASK.test(k) && !hasQtyItems) {
    const ref = extractRef(f);
    return parsed('need.status', ref?.kind === 'last_need' ? { ref } : {}, MID);
  }

  const cat = problem;
  const stockAsk =
    STOCK_AVAIL.test(k) ||
    ((STOCK_QTY.test(k) || PRICE.test(k)) && (f.mentions.length > 0 || /货|产品/.test(k))) ||
    (ORDERABLE_Q.test(k) && question && !/[帮给]我/.test(k));

  // 11. Explicit order with products (a question about price/stock/orderability is not an order).
  if (ORDER_VERB.test(k) && f.mentions.length > 0 && !(stockAsk && question) && !(cat?.strong && !hasQtyItems)) {
    return orderResult('order.place', f, hasQtyItems ? HIGH : MID);
  }

  // 12. Stale stock is a need even though it says 库存.
  if (cat?.category === 'expiring_stock') return parsed('need.submit', { category: cat.category }, HIGH);

  // 13a. "快断货的有哪些 要补吗" asks what to restock, not about one product's stock.
  if (REPLENISH.test(k) && !hasQtyItems && f.mentions.length === 0 && !cat?.strong) {
    return parsed('replenish.advice', {}, HIGH);
  }

  // 13. Stock, availability and price questions.
  if (stockAsk && !cat?.strong) return orderResult('stock.query', f, HIGH, false);

  // 14. Replenishment advice, of the products named if any ("N60要补货吗").
  if (REPLENISH.test(k) && !hasQtyItems) return parsed('replenish.advice', namedSkus(f), HIGH);

  // 14b. What sells in the region.
  if (TREND.test(k) && !hasQtyItems) {
    // "我们卖得最快的是哪几款": the shop's own best sellers are its sales.
    const own = OWN_SHOP.test(k) && !REGION_WORDS.test(k);
    return parsed(own ? 'sales.query' : 'trend.query', {}, HIGH);
  }

  // 15. Policies.
  const policy = policySlot(k);
  const needPolicy = cat?.category === 'policy';
  if (!needPolicy) {
    // A named policy is explained; "有哪些促销活动" asks for the list, "满减怎么参加" for the rules.
    if (policy && (policy !== 'promotion' || EXPLAIN.test(k) || !LIST.test(k))) {
      return parsed('policy.explain', { policy }, EXPLAIN.test(k) || /参加|参与|报名/.test(k) ? HIGH : MID);
    }
    if (POLICY_WORDS.test(k) && LIST.test(k)) return parsed('policy.list', {}, HIGH);
  }

  // 16. Courses on offer (not a request for a training session).
  if (TRAINING_LIST_WORDS.test(k) && TRAINING_LIST_ASK.test(k) && !TRAINING_REQUEST.test(k)) {
    return parsed('training.list', {}, HIGH);
  }

  // 17. Success cases.
  if (CASE_REQ.test(k)) return parsed('case.request', {}, HIGH);

  // 18a. Asking for a person outright ("帮我转接下", "能不能转给负责我们的人") beats a vague request.
  if (HANDOFF.test(k) && !cat?.strong) return parsed('human.handoff', {}, HIGH);

  // 18. Needs (requests, problems, complaints).
  if (cat && (cat.strong || cat.category !== 'training')) {
    if (!(hasQtyItems && ORDER_VERB_WEAK.test(k) && !cat.strong)) {
      return parsed('need.submit', { category: cat.category }, cat.strong ? HIGH : MID);
    }
  }

  // 19. A person.
  if (HANDOFF.test(k)) return parsed('human.handoff', {}, HIGH);

  // 20. Orders said without an explicit verb ("来20套N60", "N60 30套 明天送").
  if (f.mentions.length > 0 && hasQtyItems && !question) {
    return orderResult('order.place', f, ORDER_VERB_WEAK.test(k) ? MID : LOW);
  }
  if (ORDER_VERB.test(k) && f.items.looseCatalogUnit && !question) return orderResult('order.place', f, LOW);
  if (ctx.awaiting !== 'order_confirm' && ORDER_VERB.test(k) && /单/.test(k) && k.length <= 6) {
    return parsed('order.place', {}, LOW);
  }

  if (f.mentions.length > 0 && !question && /^(我|我们)?(还)?(要|想要|需要|来|给我来|再来)/.test(k)) {
    return orderResult('order.place', f, LOW);
  }

  // 21. Help and small talk.
  if (HELP.test(k) && k.length <= 16) return parsed('help', {}, HIGH);
  if (GREETING.test(k) && k.replace(GREETING_STRIP, '').length <= 2) return parsed('greeting', {}, MID);

  // 22. A bare product: most likely a question about it.
  if (f.mentions.length > 0 && k.replace(/\u0001/g, '').length <= 12) {
    return orderResult('stock.query', f, 0.5, false);
  }
  if (cat) return parsed('need.submit', { category: cat.category }, LOW);
  // "好的 收到", "好 就这样 谢谢", "👍" with nothing waiting: an acknowledgement, i.e. small talk.
  if (!ctx.awaiting && ACK.test(k) && k.replace(ACK_STRIP, '').length === 0) return parsed('greeting', {}, MID);
  if (confirmWithoutContext(k)) return unknown('no_context', 0.5);
  return unknown('no_match');
}

const ACK =
  /收到|谢谢|多谢|感谢|明白|知道了|了解|辛苦|^(?:\p{Extended_Pictographic}|\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])+$/u;
const ACK_STRIP =
  /收到|谢谢你?们?|多谢|感谢|明白了?|知道了|了解|辛苦了?|好的|好嘞|好滴|好|行|就这样|嗯+|ok|\p{Extended_Pictographic}|\u{FE0F}|[\u{1F3FB}-\u{1F3FF}]|[!.,?~ \u0001]/gu;

function confirmWithoutContext(k: string): boolean {
  return k.length <= 6 && (CONFIRM.test(k) || CONFIRM_DENY_STRONG.test(k) || DENY_WEAK.test(k));
}

function bindSlots(f: Facts): Slots {
  const slots: Slots = {};
  if (f.dealerCode) slots.dealer_code = f.dealerCode;
  if (f.phone) slots.phone = f.phone;
  return slots;
}

function refSlots(f: Facts): Slots {
  const ref = extractRef(f);
  return ref?.kind === 'last_order' ? { ref } : {};
}

// ---- second requests

// Words that start a second request: "N60 20套，顺便问下我返利到哪一档了".
const SECOND_REQUEST =
  /顺便|顺带|另外|对了|还有个事|还有件事|还有一件事|再问一下|再问下|还想问|还有个问题|(?<=[\s,.;!?])(还有|再)(?=给|帮|按|看|查|问|发|来一份|我|你|上个?月|这个?月|最近|有)|(?<=[\u4e00-\u9fff])再(?=[帮给]我[下订来拿补要加])/;
const SECOND_REQUEST_HINT = /[顺另对还再]/;
const actionable = (r: ParseResult) => r.kind !== 'unknown' && r.intent !== 'greeting';

/**
 * Splits at a second-request word and parses both clauses: thanks or small talk first leave the request alone; two
 * requests give the first with the other in `also`. The same intent twice stays one request (one order, two lines).
 */
function withSecondRequest(text: string, f: Facts, whole: ParseResult): ParseResult {
  const m = SECOND_REQUEST_HINT.test(f.t) ? SECOND_REQUEST.exec(f.t) : null;
  if (!m || m.index === 0) return whole;
  const rightText = text
    .slice(m.index + m[0].length)
    .replace(/^[\s,，。.:：]*(问一下|问下|问问|说一下|说下|一下)?[\s,，。.:：]*/, '');
  if (rightText.trim() === '') return whole;
  const { ctx, matcher } = f;
  const leftText = text.slice(0, m.index);
  const leftFacts = extractFacts(leftText, ctx, matcher);
  const left = parseOne(leftFacts, leftText);
  const { awaiting: _drop, ...fresh } = ctx;
  const right = withFirstProduct(rightText, parseAsked(rightText, fresh, matcher), leftFacts, fresh);
  if (!actionable(right)) return actionable(whole) ? whole : left;
  // "不要了 对了返利几档" with nothing waiting: the no is answered too (nothing to cancel), then the question.
  const noWithNothingWaiting = left.kind === 'unknown' && left.reason === 'no_context';
  if (noWithNothingWaiting && right.kind !== 'unknown' && CONFIRM_DENY_STRONG.test(leftFacts.k)) {
    const { also: _none, ...rightSlots } = right.slots;
    return parsed('deny', { also: [{ intent: right.intent, slots: rightSlots }] }, MID);
  }
  if (!actionable(left)) return right;
  if (left.kind === 'unknown' || right.kind === 'unknown' || left.intent === right.intent) return whole;
  // Two changes of orders ("T80改成8樘 另外A70要30套") stay one request, read as a whole: never a second draft.
  if (ORDER_CHANGES.has(left.intent) && ORDER_CHANGES.has(right.intent)) return whole;
  // A need keeps its own words, not the question asked after it.
  const needText = left.intent === 'need.submit' ? leftText.replace(/[\s,，。.;；、]+$/, '').trim() : '';
  return joined(left, right, needText);
}

/** The first request with the second in `also`; a second stock or sales question naming no product is about the first's. */
function joined(left: Understood, right: ParseResult, needText = ''): ParseResult {
  if (right.kind === 'unknown') return left;
  const { also: _none, ...rightSlots } = right.slots;
  // "N60库存还有多少，上个月卖了几套": the sales asked after are N60's.
  if (!rightSlots.items && OF_PRODUCT.has(right.intent) && left.slots.items?.length) {
    rightSlots.items = [...new Set(left.slots.items.map((i) => i.sku))].map((sku) => ({ sku }));
  }
  const also = [{ intent: right.intent, slots: rightSlots }];
  return { ...left, slots: { ...left.slots, ...(needText ? { need_text: needText } : {}), also } };
}

/** Requests that make or change the draft: two of them in one message are one request (one draft). */
const ORDER_CHANGES: ReadonlySet<string> = new Set(['order.place', 'order.modify', 'order.reorder']);

/** Questions whose answer is about products: a second one without its own product asks about the first's. */
const OF_PRODUCT = new Set<string>(['stock.query', 'sales.query']);

/** Words that order ("帮我下20套", "再来20套"): an order of the product the first request named. */
const ORDERS = /下|订|要|来|拿|进|买|补/;

/**
 * "查下N60库存，再帮我下20套": a second clause that orders a quantity of no product orders the one product the first
 * named (read again with it in front, so units and quantities are the order rules' own). Otherwise `right` as read.
 */
function withFirstProduct(rightText: string, right: ParseResult, leftFacts: Facts, ctx: ParseContext): ParseResult {
  if (right.kind !== 'unknown' && (right.intent !== 'order.place' || right.slots.items?.length)) return right;
  const [only, ...more] = leftFacts.mentions;
  if (!only || more.length > 0 || only.skus.length !== 1) return right;
  const rf = extractFacts(rightText, ctx, leftFacts.matcher);
  if (rf.mentions.length > 0 || rf.items.looseQty !== 1 || !ORDERS.test(rf.k)) return right;
  const text = `${only.text} ${rightText}`;
  const again = parseOne(extractFacts(text, ctx, leftFacts.matcher), text);
  return again.kind === 'parsed' && again.intent === 'order.place' && again.slots.items?.length === 1 ? again : right;
}

/** The words that only ask for a look ("帮我查下", "看下") before the thing asked about: "…顺便看下我返利". */
const ASK_LEAD = /^\s*(帮我|帮忙|给我|麻烦)?\s*(查一下|查下|查查|查询|查|看一下|看下|看看|瞧瞧|瞅瞅|瞅一眼|看一眼)\s*/;

/** A second clause as its own request; "看下我返利" is read as "我返利" when the look words alone hide the request. */
function parseAsked(text: string, ctx: ParseContext, matcher: CatalogMatcher): ParseResult {
  const r = parseOne(extractFacts(text, ctx, matcher), text);
  const lead = actionable(r) ? null : ASK_LEAD.exec(text);
  if (!lead || lead[0].length >= text.length) return r;
  const rest = text.slice(lead[0].length);
  const again = parseOne(extractFacts(rest, ctx, matcher), rest);
  return actionable(again) ? again : r;
}

/**
 * Queries that stand side by side in one message without a connector ("N60有货没 返利到哪档了"), by topic: two of
 * one topic are one question asked twice ("返利咋这么少 到几档了"). Requests that a clause of context leads into
 * ("根据我的销量，建议补点什么", "同行怎么搞活动的 有案例吗") are not among them.
 */
const QUERY_TOPIC: ReadonlyMap<string, string> = new Map([
  ['stock.query', 'stock'],
  ['sales.query', 'sales'],
  ['rebate.progress', 'policy'],
  ['policy.explain', 'policy'],
  ['policy.list', 'policy'],
  ['account.statement', 'account'],
  ['order.status', 'order'],
  ['need.status', 'need'],
  ['training.list', 'training'],
  ['tier.query', 'tier'],
  ['trend.query', 'trend'],
]);
/** A clause that asks: a question word or mark ("多少", "几", "有货没", "吗"). */
const ASKS = /吗|么|呢|没|[?]|多少|几|哪|啥|什么|怎么|咋|如何|是否|有没有|能不能|可不可以|够不够/;
/** Where two clauses meet without a connector: a comma, a full stop, a question mark, a space. */
const CLAUSE_BREAK = /[\s,;.!?]+/g;
const MAX_BREAKS = 4;
/** Requests that only read: one of them may stand beside a change (an order, a draft change, a need) in a message. */
const READ_ONLY: ReadonlySet<string> = new Set([...QUERY_TOPIC.keys(), 'replenish.advice', 'case.request']);

/**
 * "N60库存还有多少，上个月卖了几套": two questions separated only by a comma or a space. Each side must be a sure
 * query of its own (a bare product, a date or a quantity never is), and they must ask different things; the whole
 * message's single reading would answer one of them only.
 */
function withSideBySideQueries(text: string, f: Facts, whole: ParseResult): ParseResult {
  if (whole.kind === 'unknown' || !QUERY_TOPIC.has(whole.intent) || whole.slots.also || f.ctx.awaiting) return whole;
  const { ctx, matcher } = f;
  const split = atClauseBreak(text, f, (leftText, rightText) => {
    const leftFacts = extractFacts(leftText, ctx, matcher);
    const left = parseOne(leftFacts, leftText);
    if (!sureQuery(left) || !ASKS.test(leftFacts.k)) return null;
    const right = parseAsked(rightText, ctx, matcher);
    if (!sureQuery(right) || !ASKS.test(f.k.slice(leftFacts.k.length))) return null;
    if (QUERY_TOPIC.get(right.intent) === QUERY_TOPIC.get(left.intent)) return null;
    return joined(left, right);
  });
  return split ?? whole;
}

/** The first reading `pick` makes of the message cut at one of its first clause breaks (comma, full stop, space …). */
function atClauseBreak(
  text: string,
  f: Facts,
  pick: (leftText: string, rightText: string) => ParseResult | null,
): ParseResult | null {
  CLAUSE_BREAK.lastIndex = 0;
  let breaks = 0;
  for (let m = CLAUSE_BREAK.exec(f.t); m !== null && breaks < MAX_BREAKS; m = CLAUSE_BREAK.exec(f.t)) {
    const end = m.index + m[0].length;
    if (m.index === 0 || end >= f.t.length) continue;
    breaks++;
    const r = pick(text.slice(0, m.index), text.slice(end));
    if (r) return r;
  }
  return null;
}

/** An order said on a condition ("够的话", "如果有货"). */
const CONDITIONAL = /的话|如果|要是|假如|万一|只要|除非/;

/** Words that lead a second request after a clause break ("？还有A70要30套", "，然后帮我查下返利"). */
const CLAUSE_LEAD = /^(还有就是|还有|然后|再就是|另外|再)\s*/;

/**
 * An order or a change of the draft beside a question, with no connector word ("N60来20套 我返利到哪档了",
 * "T80改成8樘；我返利到哪档了", "我的需求N1001到哪了？还有A70要30套"): both answered, in the order said. The change
 * must be exactly what the whole message would change — the same draft change, the same order lines — so the cut
 * never alters what is ordered; the question must be a sure one that stands on its own (its own product, a topic).
 */
function withChangeBesideQuestion(text: string, f: Facts, whole: ParseResult): ParseResult {
  if (whole.kind === 'unknown' || whole.slots.also) return whole;
  const drafting = f.ctx.awaiting === 'order_confirm';
  // "有的话订三十套A70": an order on a condition waits for its answer; the whole reading stands.
  if ((f.ctx.awaiting && !drafting) || CONDITIONAL.test(f.k)) return whole;
  // The change the cut must keep: the draft change as the whole reads it, or the order lines the whole names.
  const kept = drafting
    ? whole.intent === 'order.modify' && whole.slots.change && !whole.slots.question
      ? same({ change: whole.slots.change, date: whole.slots.date })
      : null
    : f.items.withQty && (whole.intent === 'order.place' || READ_ONLY.has(whole.intent))
      ? same(orderLines(f))
      : null;
  if (!kept) return whole;
  const { ctx, matcher } = f;
  const { awaiting: _drop, ...fresh } = ctx;
  const changeOf = (r: ParseResult) =>
    r.kind === 'parsed' && drafting
      ? r.intent === 'order.modify' && kept({ change: r.slots.change, date: r.slots.date })
      : r.kind === 'parsed' && r.intent === 'order.place' && kept(r.slots.items ?? null);
  // Drafting, the change comes first (the draft is what the message is about); otherwise either may.
  const split = atClauseBreak(text, f, (leftText, rightText) => {
    const leftFacts = extractFacts(leftText, ctx, matcher);
    const left = parseOne(leftFacts, leftText);
    const rightAsked = rightText.replace(CLAUSE_LEAD, '');
    if (changeOf(left)) {
      const right = parseAsked(rightAsked, fresh, matcher);
      return standingQuestion(right, rightAsked, fresh, matcher) && wholeIsOneOf(whole, left, right)
        ? joined(left as Understood, right)
        : null;
    }
    if (drafting || !standingQuestion(left, leftText, ctx, matcher)) return null;
    const right = parseOne(extractFacts(rightAsked, fresh, matcher), rightAsked);
    return changeOf(right) && wholeIsOneOf(whole, left, right) ? joined(left as Understood, right) : null;
  });
  return split ?? whole;
}

/** The message's order lines as the order rules read them. */
function orderLines(f: Facts): Slots['items'] | null {
  const r = orderResult('order.place', f, LOW);
  return r.kind === 'parsed' ? (r.slots.items ?? null) : null;
}

/** A test that a value is, field for field, `expected` (null never is). */
function same(expected: unknown): ((v: unknown) => boolean) | null {
  if (expected === null || expected === undefined) return null;
  const want = JSON.stringify(expected);
  return (v) => v !== null && JSON.stringify(v) === want;
}

/** The cut reads what the whole message reads, plus the other request (never a third reading). */
function wholeIsOneOf(whole: Understood, left: ParseResult, right: ParseResult): boolean {
  return whole.intent === intentOf(left) || whole.intent === intentOf(right);
}

/**
 * A question that stands on its own beside a change: a sure read-only request that asks, naming its own product
 * when it is about products, and its own order or need when it asks after one ("到哪了" alone is the first's).
 */
function standingQuestion(r: ParseResult, text: string, ctx: ParseContext, matcher: CatalogMatcher): boolean {
  if (r.kind !== 'parsed' || !READ_ONLY.has(r.intent) || r.confidence < MID || r.slots.also) return false;
  const k = extractFacts(text, ctx, matcher).k;
  if (!ASKS.test(k) && !ASK_LEAD.test(text)) return false;
  if (OF_PRODUCT.has(r.intent)) return (r.slots.items?.length ?? 0) > 0;
  if (r.intent === 'order.status') return !!(r.slots.order_no || r.slots.ref) || /订单|单子/.test(k);
  if (r.intent === 'need.status') return !!(r.slots.need_id || r.slots.ref) || /需求|申请|工单|反馈|投诉|报修/.test(k);
  return true;
}

/** Reasons for `unknown` that forbid reading the message clause by clause (a refusal stays a refusal). */
const NO_CLAUSES = new Set(['injection', 'manager_only', 'not_allowed', 'off_topic', 'negated']);
/** Codes, products and particles: a clause of nothing else ("N1170", "SO2026…", "N60的") asks nothing on its own. */
const BARE_CLAUSE = /\u0001|so\d+|n\d+|d\d{4}|m\d{3}|\d{11}|[的吧啊呀了呢吗,.!?~]/g;

/**
 * Two requests at a clause break with no connector word, read clause by clause: "等级为啥降了 上个月对账单也发我",
 * "取消SO… 再来二十套N75", "N1170 我接了 N1171 转M005", "没问题 下吧 我还想报个导购培训", "T95有货吗 有的话订两樘"
 * (a conditional order names its question's product). Each clause must be a sure request on its own, the two must
 * differ, the whole must read as one of them, and an order part must order exactly what the whole orders. Drafting,
 * the second clause never changes the draft; a story beside an order stays the order's (colour, a problem).
 */
function withClausePair(text: string, f: Facts, whole: ParseResult): ParseResult {
  if (whole.kind === 'unknown' ? NO_CLAUSES.has(whole.reason ?? '') : whole.slots.also) return whole;
  const { ctx, matcher } = f;
  const { awaiting: _drop, ...fresh } = ctx;
  const drafting = ctx.awaiting === 'order_confirm';
  if (ctx.awaiting && !drafting) return whole;
  const orderKept = same(f.items.withQty ? orderLines(f) : null);
  const split = atClauseBreak(text, f, (leftText, rightText) => {
    const leftFacts = extractFacts(leftText, ctx, matcher);
    const left = parseOne(leftFacts, leftText);
    if (!sureClause(left, leftFacts)) return null;
    const rightAsked = rightText.replace(CLAUSE_LEAD, '');
    const rightFacts = extractFacts(rightAsked, fresh, matcher);
    // "T95有货吗 有的话订两樘": an order on the question's answer orders the question's product; the request is what
    // follows the condition ("没货就帮我转人工" asks no stock).
    const conditional = IF_SO.test(rightFacts.k);
    const then = (conditional && rightAsked.replace(CONDITION_HEAD, '')) || rightAsked;
    const asked = parseAsked(then, fresh, matcher);
    const right = conditional ? withFirstProduct(then, asked, leftFacts, fresh) : asked;
    if (!sureClause(right, rightFacts) || left.intent === right.intent) return null;
    if (ORDER_CHANGES.has(left.intent) && ORDER_CHANGES.has(right.intent)) return null;
    // A condition on the first answer leads to an action ("没货就转人工"), not to another question ("不够的话补啥").
    if (conditional && READ_ONLY.has(right.intent)) return null;
    // A need asked as a question ("优秀门店都怎么陈列的 有案例吗"), or a story the whole reads as the question's
    // context ("门店升级了 我们等级能升吗"), leads into the request after it.
    const story = left.intent === 'need.submit' && !NEED_ASKS.test(leftFacts.k);
    if (
      left.intent === 'need.submit' &&
      (ASKS.test(leftFacts.k) || (story && whole.kind !== 'unknown' && whole.intent === right.intent))
    )
      return null;
    // A need said second asks for something ("新品体验节那个", "退货也不算" are the first clause's detail).
    if (right.intent === 'need.submit' && !NEED_ASKS.test(rightFacts.k)) return null;
    if (drafting && ORDER_CHANGES.has(right.intent)) return null;
    if (whole.kind !== 'unknown' && !wholeIsOneOf(whole, left, right)) return null;
    if (!managerPair(left, right) || !stands(left, leftFacts) || !stands(right, rightFacts)) return null;
    if (whole.kind !== 'unknown' && !keepsWhole(whole, left, right)) return null;
    if (DEFERRED.test(rightFacts.k)) return null;
    if (topicOf(left) !== undefined && topicOf(left) === topicOf(right)) return null;
    // The order part orders what the whole message orders: a cut never changes an order's lines.
    for (const side of [left, right]) {
      if (side.intent === 'order.place' && orderKept && !orderKept(side.slots.items ?? null)) return null;
      // "A70 二十套 颜色要白的", "已联系D0012 聊了陈列": a story beside an order or a contact is its detail, no need.
      if (TOLD_WITH.has(side.intent) && (side === left ? right : left).intent === 'need.submit') return null;
    }
    const needText = left.intent === 'need.submit' ? leftText.replace(/[\s,，。.;；、]+$/, '').trim() : '';
    return joined(left, right, needText);
  });
  return split ?? whole;
}

/** A clause said on the first one's answer ("有的话", "够的话", "没货就", "不行就"). */
const IF_SO = /的话|如果|要是|假如|只要|^(有|没|没有|没货|不够|够|不行|行)的?就/;

/** A request put off to later or to the dealer's own doubt ("有啥不懂的再找经理"): nothing to do now. */
const DEFERRED = /不懂|不明白|不清楚|回头|以后|下次|改天/;

const CUT_WITH_CLAUSE = new Set(['note', 'question', 'need_ids', 'need_notes']);

/** The clause read as the whole message is still reads every slot the whole read ("绑定D0044 138…" keeps the phone). */
function keepsWhole(whole: Understood, left: Understood, right: Understood): boolean {
  const side = whole.intent === left.intent ? left : right;
  // A note is cut with its clause; a question about the draft is asked on its own once the cut drops the draft; the
  // whole's further needs ("N1001 搞定 N1002 我接了") are the other clause's own.
  return Object.keys(whole.slots).every((key) => CUT_WITH_CLAUSE.has(key) || key in side.slots);
}

/** The condition a clause opens with, up to its "的话" or "就" ("剩的够的话", "没货就"). */
const CONDITION_HEAD = /^[^,，。]{0,8}?(的话|就)\s*/;

/** Requests whose clauses of story are their own detail (the order's colour, what a contact talked about). */
const TOLD_WITH: ReadonlySet<string> = new Set([...ORDER_CHANGES, 'order.status', 'am.contact.log']);

/**
 * A clause that is a sure, actionable request of its own, with words beyond a code or a product; asking after an
 * order or a need, it names which ("快点发货" alone tells how, it asks after nothing).
 */
function sureClause(r: ParseResult, f: Facts): r is Extract<ParseResult, { kind: 'parsed' }> {
  if (r.kind !== 'parsed' || !actionable(r) || r.slots.also) return false;
  // An order is sure by its lines (a product and a quantity), whatever its wording's confidence.
  const lines = r.intent === 'order.place' && (r.slots.items ?? []).some((i) => i.qty !== undefined);
  if (r.confidence < (lines ? LOW : HIGH)) return false;
  if (r.intent === 'order.status' && !(r.slots.order_no || r.slots.ref)) return false;
  if (r.intent === 'need.status' && !(r.slots.need_id || r.slots.ref)) return false;
  return mask(f.t, f.mentions).replace(/\s+/g, '').replace(BARE_CLAUSE, '').length >= 1;
}

/** Words that want something shown or done ("发我", "帮我", "列一下"): a request without a question word. */
const WANTS = /发我|给我|帮我|帮忙|看看|看下|看一下|查下|查查|查一下|列一下|列个|说下|说说|讲讲|调出/;
/** Words that make a story a request ("能不能换", "想申请", "帮忙处理"). */
const NEED_ASKS = /帮|能不能|能否|可不可以|可以|想|申请|麻烦|请|要/;

/** A question or a look beside another request asks or wants something ("政策太严了" asks nothing). */
function stands(r: Understood, f: Facts): boolean {
  if (READ_ONLY.has(r.intent) || r.intent === 'help') return ASKS.test(f.k) || WANTS.test(f.k) || ASK_LEAD.test(f.t);
  return true;
}

/** What a clause is about: two clauses on one topic are one request ("门槛有点高 阶梯返利怎么算的"). */
function topicOf(r: Understood): string | undefined {
  if (r.intent === 'policy.feedback') return 'policy';
  if (r.intent !== 'need.submit') return QUERY_TOPIC.get(r.intent);
  return r.slots.category === 'policy' ? 'policy' : r.slots.category === 'payment' ? 'account' : undefined;
}

/** The code a manager's command acts on (a need, a dealer). */
const codeOf = (r: Understood) => r.slots.need_id ?? r.slots.dealer_code;

/**
 * A manager's command and what is said beside it: another command on another code ("N1170 我接了 N1171 转M005") or
 * a command of no code ("我手上其他的列一下"); anything else is the command's note ("N1077 完成 样品已寄出").
 */
function managerPair(left: Understood, right: Understood): boolean {
  const am = (r: Understood) => r.intent.startsWith('am.');
  if (!am(left) && !am(right)) return true;
  if (!am(left) || !am(right)) return false;
  const [a, b] = [codeOf(left), codeOf(right)];
  return !a || !b || a !== b;
}

type Understood = Extract<ParseResult, { kind: 'parsed' | 'ambiguous' }>;

function sureQuery(r: ParseResult): r is Extract<ParseResult, { kind: 'parsed' }> {
  return r.kind === 'parsed' && QUERY_TOPIC.has(r.intent) && r.confidence >= MID && !r.slots.also;
}

// ---- slots for an intent decided elsewhere

/**
 * The rules' slots for an intent another parser (the trained model, the LLM) decided: the same extraction as
 * `parseIntent`, without the intent rules. Ambiguities list product mentions that fit several SKUs.
 */
export function slotsForIntent(
  intent: Intent,
  text: string,
  ctx: ParseContext,
  matcher: CatalogMatcher,
  f: Facts = extractFacts(text, ctx, matcher),
): { slots: Slots; ambiguities: Ambiguity[] } {
  const { k } = f;
  const none: Ambiguity[] = [];
  const fromResult = (r: ParseResult | null): { slots: Slots; ambiguities: Ambiguity[] } =>
    r === null || r.kind === 'unknown'
      ? { slots: {}, ambiguities: none }
      : { slots: r.slots, ambiguities: r.kind === 'ambiguous' ? r.ambiguities : none };
  switch (intent) {
    case 'order.place':
      return withUnsold(f, fromResult(orderResult(intent, f, HIGH)));
    case 'order.modify': {
      const r = ctx.awaiting === 'order_confirm' ? parseDraftMessage(f) : parseClarification(f);
      return fromResult(r && r.kind !== 'unknown' && r.intent === 'order.modify' ? r : orderResult(intent, f, HIGH));
    }
    case 'stock.query':
      return withUnsold(f, fromResult(orderResult(intent, f, HIGH, false)));
    case 'order.status':
    case 'order.cancel':
      return { slots: f.orderNo ? { order_no: f.orderNo } : refSlots(f), ambiguities: none };
    case 'need.submit':
      return { slots: { category: needCategory(k)?.category ?? 'other' }, ambiguities: none };
    case 'need.status': {
      const ref = extractRef(f);
      const slots: Slots = f.needId ? { need_id: f.needId } : ref?.kind === 'last_need' ? { ref } : {};
      return { slots, ambiguities: none };
    }
    case 'need.rate': {
      const r = parseRating(f, text);
      const slots: Slots = r && r.kind !== 'unknown' ? { ...r.slots } : {};
      if (f.needId) slots.need_id = f.needId;
      return { slots, ambiguities: none };
    }
    case 'policy.explain': {
      const policy = policySlot(k);
      return { slots: policy ? { policy } : {}, ambiguities: none };
    }
    case 'account.bind':
      return { slots: bindSlots(f), ambiguities: none };
    case 'am.need.claim':
    case 'am.need.resolve':
    case 'am.need.transfer':
    case 'am.dealer.lookup':
    case 'am.training.attend':
    case 'am.campaign.approve':
    case 'am.contact.log': {
      const r = parseManager(f, text);
      if (r && r.kind !== 'unknown' && r.intent === intent) return { slots: r.slots, ambiguities: none };
      const slots: Slots = {};
      if (f.needId && intent.startsWith('am.need')) slots.need_id = f.needId;
      if (f.managerCode && intent === 'am.need.transfer') slots.manager_code = f.managerCode;
      if (f.dealerCode && !intent.startsWith('am.need')) slots.dealer_code = f.dealerCode;
      const campaign = intent === 'am.campaign.approve' ? approvedCampaign(k) : undefined;
      if (campaign) slots.campaign = campaign;
      const course = intent === 'am.training.attend' ? attendedCourse(k) : undefined;
      if (course) slots.course = course;
      const name = intent === 'am.dealer.lookup' && !f.dealerCode ? extractDealerName(k, true) : undefined;
      if (name) slots.dealer_name = name;
      return { slots, ambiguities: none };
    }
    case 'account.statement': {
      const period = extractPeriod(k, ctx.now);
      return { slots: period ? { period } : {}, ambiguities: none };
    }
    case 'replenish.advice':
      return { slots: namedSkus(f), ambiguities: none };
    case 'sales.query': {
      const slots: Slots = salesPeriodOf(f);
      if (f.items.items.length > 0) slots.items = f.items.items.map((i) => ({ sku: i.sku }));
      return { slots, ambiguities: f.items.ambiguities };
    }
    case 'training.enrol': {
      const course = extractCourse(k) ?? ENROL_NAMED.exec(k)?.[1];
      return { slots: course ? { course } : {}, ambiguities: none };
    }
    case 'training.withdraw': {
      const course = extractCourse(k.replace(WITHDRAW, ''));
      return { slots: course ? { course } : {}, ambiguities: none };
    }
    case 'campaign.join': {
      const campaign = extractCampaign(k);
      return { slots: campaign ? { campaign } : {}, ambiguities: none };
    }
    case 'confirm':
      return fromResult(ctx.awaiting === 'order_confirm' ? parseDraftMessage(f) : null);
    case 'am.need.list':
      return { slots: f.dealerCode ? { dealer_code: f.dealerCode } : {}, ambiguities: none };
    default:
      return { slots: {}, ambiguities: none };
  }
}

/** The unsold kind named ("子母门") where no catalog product was. */
function withUnsold(
  f: Facts,
  r: { slots: Slots; ambiguities: Ambiguity[] },
): { slots: Slots; ambiguities: Ambiguity[] } {
  if (!f.unsold || r.slots.items?.length || r.ambiguities.length > 0) return r;
  return { ...r, slots: { ...r.slots, unknown_product: f.unsold } };
}
