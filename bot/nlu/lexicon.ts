/**
 * English and pinyin words dealers mix into Chinese ("cancel SO…", "rebate 到几个点了", "mingtian 送"), read as the
 * Chinese word the rules know. Each replacement is no longer than the word, so normalisation stays length-preserving
 * (the rest is padded with spaces).
 */
const WORDS: Record<string, string> = {
  // English
  cancel: '取消',
  rebate: '返利',
  rebates: '返利',
  policy: '政策',
  policies: '政策',
  success: '成功',
  case: '案例',
  cases: '案例',
  claim: '认领',
  close: '关闭',
  closed: '已关闭',
  done: '搞定',
  resolved: '已解决',
  stock: '库存',
  inventory: '库存',
  price: '价格',
  training: '培训',
  course: '课程',
  courses: '课程',
  confirm: '确认',
  status: '状态',
  delivery: '送货',
  deliver: '送货',
  ship: '发货',
  tomorrow: '明天',
  today: '今天',
  invoice: '发票',
  refund: '退款',
  campaign: '活动',
  join: '参加',
  promotion: '促销',
  promo: '促销',
  discount: '折扣',
  tier: '等级',
  level: '等级',
  statement: '对账单',
  trend: '趋势',
  trends: '趋势',
  sample: '样品',
  complaint: '投诉',
  repair: '维修',
  manager: '客户经理',
  please: '请',
  want: '要',
  need: '要',
  sets: '套',
  set: '套',
  pcs: '个',
  pieces: '个',
  rolls: '卷',
  meters: '米',
  next: '下',
  this: '这',
  monday: '周一',
  tuesday: '周二',
  wednesday: '周三',
  thursday: '周四',
  friday: '周五',
  saturday: '周六',
  sunday: '周日',
  fixed: '已解决',
  assign: '分给我',
  restock: '补货',
  sales: '销量',
  bonus: '奖励',
  anniversary: '周年',
  stars: '星',
  star: '星',
  five: '五',
  four: '四',
  three: '三',
  // pinyin
  jie: '接',
  le: '了',
  canjia: '参加',
  baoming: '报名',
  dengji: '等级',
  youhui: '优惠',
  buhuo: '补货',
  human: '人工',
  rengong: '人工',
  duizhang: '对账',
  mingtian: '明天',
  houtian: '后天',
  jintian: '今天',
  xiazhou: '下周',
  yuedi: '月底',
  xiexie: '谢谢',
  nihao: '你好',
  zaima: '在吗',
  quxiao: '取消',
  queren: '确认',
  xiadan: '下单',
  fanli: '返利',
  kucun: '库存',
  dingdan: '订单',
  fahuo: '发货',
  shouhou: '售后',
  peixun: '培训',
  zhengce: '政策',
  anli: '案例',
  jiage: '价格',
  duoshaoqian: '多少钱',
  youhuo: '有货',
};

// "order 一下 N60" is a verb (下单); "我的 order 到哪了" a noun (订单).
const ORDER_VERB_AFTER = /^\s*(一下|下|点|些|个|了|\d)/;

/** Replaces the known Latin words of an already lower-cased, length-preserved text. */
export function translateWords(s: string): string {
  if (!/[a-z]{2}/.test(s)) return s;
  return s.replace(/(?<![a-z0-9])[a-z]{2,}(?![a-z0-9])/g, (w, offset: number) => {
    let zh = WORDS[w];
    if (w === 'order') zh = ORDER_VERB_AFTER.test(s.slice(offset + w.length)) ? '下单' : '订单';
    // Padding goes first: the word ends where the original did, so a note cut after it starts at the right place.
    return zh === undefined || zh.length > w.length ? w : ' '.repeat(w.length - zh.length) + zh;
  });
}

/**
 * Kinds of door, window and cabinet the trade knows but the catalog does not sell. Read before the catalog so that
 * no product hides inside them (子母门 is not 木门 P88, 钢木门 not 木门): the dealer hears that we do not have it.
 */
export const UNSOLD_KINDS_RE =
  /子母门|对开门|双开门|防火门|卷帘门|车库门|钢木门|铜门|谷仓门|吊趟门|地弹门|百叶窗|飘窗|天窗|内倒窗|铝木窗|铝包木|阳光房|淋浴房|衣柜|浴室柜|鞋柜|酒柜|书柜|电视柜|榻榻米/;
