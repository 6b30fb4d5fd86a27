import type { Course } from '../../core/care/content.port.js';
import type { Intent } from '../../core/common/intents.js';
import { monthDayTimeZh } from './format.js';
import { honoursNote } from './training.replies.js';

const courseTime = monthDayTimeZh;

/** General replies: greeting, help, fallbacks. Natural, short Chinese; one example per capability. */
export const commonReplies = {
  greeting: (name: string) =>
    `${name}您好！我是共生渠道助手，下单、查库存、问返利、提需求都可以直接发给我。发“帮助”看看我能做什么。`,
  thanks: '不客气，有需要随时找我。',
  dealerHelp: [
    '我可以帮您：',
    '· 下单：“N60 30套 下周三送”',
    '· 改单/确认：“改成40套”“确认”',
    '· 查订单：“我的订单”“SO202611260001 到哪了”',
    '· 查库存和价格：“KC-L01还有货吗”',
    '· 补货建议：“我该补什么货”',
    '· 返利进度：“我还差多少到下一档”',
    '· 政策说明：“阶梯返利怎么算”“有什么政策”',
    '· 对账和额度：“本月对账单”“我还欠多少”',
    '· 等级和权益：“我现在是什么等级”',
    '· 门店动销和区域行情：“这周卖了多少”“我们这边什么好卖”',
    '· 报名：“报名橱柜测量培训”“报名新品体验节”',
    '· 提需求：“想申请门店导购培训”',
    '· 找客户经理：“转人工”',
  ].join('\n'),
  managerHelp: [
    '客户经理可用指令：',
    '· 认领需求：“认领 N1024”',
    '· 办结需求：“N1024 已解决 安排了12月3日培训”',
    '· 转交需求：“转交 N1024 给 M007”',
    '· 查经销商：“查 D0012”“找下锦华门窗”',
    '· 我的经销商：“我名下有哪些经销商”“我的核心客户”',
    '· 这周联系谁：“这周该先联系哪几家”',
    '· 待办需求：“我手上还有哪些没处理”“今天新来的”“超时的”',
    '· 记录联系：“已联系D0012 聊了陈列”',
    '· 批准活动报名：“批准 D0012 新品体验节”',
  ].join('\n'),
  unknown: (sender: 'dealer' | 'manager') =>
    sender === 'manager'
      ? '没看懂这条指令。可以发“认领 N1024”“N1024 已解决 …”“查 D0012”，或发“帮助”。'
      : '抱歉，我没太明白。您可以说“N60 30套 下周三送”“KC-L01还有货吗”“我还差多少到下一档”，或发“转人工”联系客户经理。',
  imageReceived: '图片已收到。如果是售后或陈列问题，请再用一句话描述情况，我会一并提交给客户经理。',
  voiceUnreadable: '语音我暂时听不了，麻烦打字告诉我，比如「N60 要30套」或「门把手松了，要售后」。',
  fileReceived: '文件已收到，但我读不了文件内容。请把要办的事用文字告诉我；数据文件请交给总部在后台导入。',
  unsupportedType: '目前只能处理文字消息，请用文字描述您的需求。',
  handoff: (managerName: string) => `已通知您的客户经理${managerName}，会尽快联系您。`,
  handoffAlert: (dealer: string, code: string, text: string) =>
    `【转人工】${dealer}（${code}）请求人工协助：\n“${text}”\n请尽快联系。`,
  boundDealer: (name: string, code: string) => `这个账号已绑定 ${name}（${code}）。如需更换绑定，请联系您的客户经理。`,
  boundManager: (name: string, code: string) => `这个账号已登记为客户经理 ${name}（${code}）。`,
  /** "我的客户经理是谁": who they are and how to reach them, without calling them. */
  managerIs: (name: string, phone: string | null) =>
    `您的客户经理是${name}${phone ? `，电话 ${phone}` : ''}。需要${name}联系您，直接说“让经理联系我”，我会马上通知。`,
  handoffIsManager: '您已是客户经理账号，可直接处理经销商需求。',
  noCourses: '近期暂无排期的培训课程。需要专项培训可以直接告诉我，例如“想申请门店导购培训”。',
  courses: (courses: readonly Course[]) =>
    `近期培训课程：\n${courses
      .map(
        (c, i) =>
          `${i + 1}. ${courseTime(c.startsAt)}【${c.mode === 'online' ? '线上' : '线下'}】${c.title}：${c.description}`,
      )
      .join('\n')}\n想报名回复“第一个”或课程名；需要专场培训可以说“想申请门店导购培训”。`,
  noCases: '暂时还没有可分享的案例，稍后我会把同类经销商的经验推送给您。',
  cases: (cases: ReadonlyArray<{ title: string; body: string; honours?: readonly string[] }>) =>
    `和您情况相近的经销商经验：\n${cases.map((c) => `【${c.title}】${honoursNote(c)}\n${c.body}`).join('\n\n')}`,
  // ---- clarification and misses (dialog engine)
  /** The bot's question with the two likeliest readings of a message. */
  /** The bot's own question, kept while another request was answered. */
  stillAsking: (asked: { product: string[] } | { qty: string[] }) =>
    'product' in asked
      ? `（刚才的问题还在：您要的是 ${asked.product.join('还是 ')}？直接回复型号即可。）`
      : `（刚才的问题还在：${asked.qty.join('、')} 各要多少？）`,
  /** A bare "T80呢" with nothing before it: what about the product; `stock` and `order` are the answers understood. */
  productTopic: (names: readonly string[], stock: string, order: string, example: string) =>
    `您想了解${names.join('、')}的什么？看库存和您的价格请回“${stock}”；要${order}请直接说数量，例如“${example}”。`,
  /** "十月份的呢" with nothing before it to follow. */
  periodTopic: (words: string, first: string, second: string) =>
    `${words}的什么？${first}还是${second}？直接回“${first}”或“${second}”就行。`,
  /** "那个呢" right after a stock or sales question. */
  whichProduct: '还想看哪一款？直接发型号就行，例如“T80呢”。',
  /** "那个呢", "上个季度的呢" with nothing before it to follow. */
  whatAbout: (words: string | undefined, manager: boolean) =>
    `${words ? `${words}的什么？` : '您指的是哪方面？'}说完整些我好帮您查，例如${
      manager ? '“D0012最近怎么样”“我的待办需求”' : '“N60还有货吗”“十月对账单”“上个月卖了多少”'
    }。`,
  clarifyIntent: (first: string, second: string) =>
    `您是想${first}，还是${second}？直接回“${first}”或“${second}”就行，都不是请回“都不是”。`,
  clarifyRejected: '抱歉没理解对。麻烦换个说法再说一次，例如“N60 30套 下周三送”“KC-L01还有货吗”“我还差多少到下一档”。',
  /** A cancel asked and a new draft shown in one reply: which "确认" does what. */
  cancelBeforeDraft: '先回复上面的取消确认；取消办完后，新草稿再回复“确认”下单。',
  /** A later request's own question could not wait beside the first one's. */
  askAgainLater: (what: string) => `${what ? `“${what}”` : '后面那件事'}还需要您回答问题，等上面的办完再发我一次。`,
  offerHandoff: (managerName: string) =>
    `抱歉，我还是没弄明白。要不要我请您的客户经理${managerName}联系您？回复“好”即可。`,
};

/** What each intent is, said short enough to ask "您是想…，还是…？" (clarification answers match these words). */
export const intentDescriptions: Record<Exclude<Intent, 'unknown'>, string> = {
  'order.place': '下单',
  'order.modify': '改单',
  confirm: '确认订单',
  deny: '取消这次操作',
  'order.status': '查订单',
  'order.cancel': '取消订单',
  'order.reorder': '按上次再下一单',
  'stock.query': '查库存',
  'replenish.advice': '要补货建议',
  'need.submit': '提需求',
  'need.status': '查需求进度',
  'need.rate': '给服务打分',
  'policy.explain': '问政策怎么算',
  'rebate.progress': '查返利进度',
  'policy.list': '看有哪些政策',
  'training.list': '看培训课程',
  'case.request': '看经销商案例',
  'account.bind': '绑定账号',
  'human.handoff': '找客户经理',
  greeting: '打个招呼',
  help: '看看我能做什么',
  'am.need.claim': '认领需求',
  'am.need.resolve': '办结需求',
  'am.need.transfer': '转交需求',
  'am.dealer.lookup': '查经销商',
  'account.statement': '看对账单',
  'tier.query': '查等级',
  'training.enrol': '报名培训',
  'training.withdraw': '退出已报名的培训',
  'campaign.join': '参加活动',
  'trend.query': '看销售趋势',
  'sales.query': '查销量',
  'am.need.list': '看待处理的需求',
  'am.contact.log': '记录拜访',
  'policy.feedback': '反馈政策意见',
  'am.training.attend': '记录培训到场',
  'am.campaign.approve': '批准活动报名',
  'am.dealer.list': '看我负责的经销商',
  'am.contact.plan': '看这周该联系谁',
};
