import type { Tier } from '../schema.js';

/**
 * Fixed demo content: success cases (linked to a generated dealer of the same tier and tag when one exists),
 * training courses (dated relative to `now`) and honour titles. `{city}` and `{dealer}` are filled in by the seed.
 */

export type DealerTag = '门窗专长' | '橱柜专长' | '零售终端' | '工程渠道' | '下沉市场' | '高成长';

export interface CaseTemplate {
  title: string;
  body: string;
  tags: DealerTag[];
  tier: Tier;
}

export const SUCCESS_CASES: readonly CaseTemplate[] = [
  {
    title: '窄边框系列做成爆款，一年新增12家门店',
    body: '{city}的{dealer}把N60/N75窄边框窗作为主推款，每家门店装一套样板窗，配合小区团购和短视频直播，客单价从1.8万元提到2.6万元，全年提货同比增长38%。关键做法：样窗进店、老客户转介绍送纱窗、设计师渠道返点。',
    tags: ['门窗专长', '零售终端'],
    tier: 'core',
  },
  {
    title: '断桥铝系统窗切入改善型客户',
    body: '{dealer}（{city}）针对换房、翻新的改善型家庭主推T80隔热窗和T95系统窗，用隔音、保温对比演示打动客户，高端系列占比从15%提升到41%，毛利率提高6个百分点。',
    tags: ['门窗专长'],
    tier: 'key',
  },
  {
    title: '防盗纱窗一体窗成为夏季引流款',
    body: '{city}的{dealer}每年4月起主推F12防盗纱窗一体窗，作为低门槛引流产品进入老小区，再带动整窗更换。夏季三个月F12出货超过2,000套，连带成交率约30%。',
    tags: ['门窗专长'],
    tier: 'regular',
  },
  {
    title: '整装公司合作，U型橱柜做高端',
    body: '{dealer}与{city}本地三家整装公司签订长期供货协议，U02橱柜+石英石台面打包报价，交付周期压缩到18天。合作第一年整装渠道贡献提货额1,200万元，客诉率低于1%。',
    tags: ['橱柜专长', '工程渠道'],
    tier: 'core',
  },
  {
    title: '橱柜+台面套餐，客单价提升三成',
    body: '{city}的{dealer}把L01橱柜、Q05石英石台面和W08吊柜组合成“整厨套餐”，门店统一报价牌，导购一次讲清全部配置。套餐占比达到60%，平均客单价提高32%。',
    tags: ['橱柜专长', '零售终端'],
    tier: 'key',
  },
  {
    title: '小户型一字型橱柜打动出租房业主',
    body: '{dealer}（{city}）发现周边城中村改造带来大量出租房翻新需求，主推I03一字型小户型橱柜，三天上门安装，和房东群长期合作，半年内卖出400多套。',
    tags: ['橱柜专长', '下沉市场'],
    tier: 'regular',
  },
  {
    title: '拿下精装楼盘工程单，S06批量交付',
    body: '{city}的{dealer}组建了6人工程服务团队，承接本地两个精装楼盘共1,100套S06工程款橱柜，分三批交付、按节点回款，项目回款周期控制在45天以内。',
    tags: ['工程渠道'],
    tier: 'core',
  },
  {
    title: '与装修公司结盟，工程单占比提到40%',
    body: '{dealer}（{city}）与当地装修公司和物业合作，提供室内门、卫浴门和铝合金窗的打包方案，工程渠道提货占比从12%提升到40%，淡季也有稳定订单。',
    tags: ['工程渠道', '高成长'],
    tier: 'key',
  },
  {
    title: '乡镇门店走高性价比路线：S30+A70组合',
    body: '{city}的{dealer}在周边乡镇开了5家小型门店，主推S30塑钢窗和A70铝合金推拉窗，明码标价、包安装。乡镇门店单店月均出货120套，一年收回开店投入。',
    tags: ['下沉市场'],
    tier: 'regular',
  },
  {
    title: '县城旗舰店带动周边6个乡镇网点',
    body: '{dealer}在{city}县城开设300平米旗舰店做展示和培训，周边6个乡镇网点只做小样展示、订单由旗舰店统一配送安装，整体提货额同比增长45%。',
    tags: ['下沉市场', '零售终端'],
    tier: 'key',
  },
  {
    title: '沉默一年后重新激活：县城老店翻新',
    body: '{city}的{dealer}曾有一年没有进货。客户经理上门梳理库存后，总部支持了门店翻新和首批高性价比产品的账期，三个月内恢复月均进货，老客户回流明显。',
    tags: ['下沉市场'],
    tier: 'silent',
  },
  {
    title: '门店陈列改造后进店转化提升',
    body: '{dealer}（{city}）按总部陈列标准重新布置门店：窗型实景墙、门类体验区、橱柜样间三区分开，并统一价签。改造后进店成交率从18%提升到27%。',
    tags: ['零售终端'],
    tier: 'key',
  },
  {
    title: '社区店+团购群，每周稳定出单',
    body: '{city}的{dealer}在新交付小区开社区店，每个小区建业主团购群，每周固定一次团购日。半年积累了3,000多名业主，月均订单稳定在40单以上。',
    tags: ['零售终端'],
    tier: 'regular',
  },
  {
    title: '新商第一年提货破500万',
    body: '{dealer}（{city}）加盟第一年就提货超过500万元：开业前完成全员产品培训，开业月做满减活动，之后每月跟进总部政策，第四个季度提货额是第一个季度的2.3倍。',
    tags: ['高成长'],
    tier: 'regular',
  },
  {
    title: '抓住旧改政策，门窗更换订单翻倍',
    body: '{city}启动老旧小区改造后，{dealer}第一时间对接街道和物业，推出“旧窗换新”套餐，上门测量免费。当年门窗更换订单同比翻倍，带动室内门销量增长50%。',
    tags: ['高成长', '门窗专长'],
    tier: 'key',
  },
];

export interface CourseTemplate {
  title: string;
  description: string;
  /** Days after `now` (Asia/Shanghai) and the local start time. */
  inDays: number;
  at: string;
  mode: 'online' | 'offline';
  tags: string[];
  /** Seats, fee in yuan (key and core dealers attend free) and target tiers (empty: all), migration 0017. */
  seats: number;
  feeYuan: number;
  targetTiers: Array<'core' | 'key' | 'regular' | 'silent'>;
  location?: string;
  /** Share of the targeted active dealers who have enrolled (more than the seats: the rest wait). */
  uptake: number;
}

export const COURSES: readonly CourseTemplate[] = [
  {
    title: '窄边框门窗卖点与样窗陈列',
    description: 'N60/N75窄边框系列的核心卖点、竞品对比和门店样窗陈列要点，适合导购和店长。',
    inDays: 3,
    at: '14:00',
    mode: 'online',
    tags: ['门窗专长', '零售终端'],
    seats: 60,
    feeYuan: 600,
    targetTiers: [],
    uptake: 0.08,
  },
  {
    title: '整体橱柜测量设计实操',
    description: '上门测量、动线设计和报价单制作，现场演示设计软件，适合橱柜设计师。',
    inDays: 6,
    at: '09:30',
    mode: 'offline',
    tags: ['橱柜专长'],
    seats: 20,
    feeYuan: 800,
    targetTiers: [],
    location: '杭州总部培训中心',
    uptake: 0.05,
  },
  {
    title: '工程项目投标与回款管理',
    description: '精装楼盘和装修公司项目的投标流程、合同要点、分批交付与回款节点管理。',
    inDays: 9,
    at: '14:00',
    mode: 'online',
    tags: ['工程渠道'],
    seats: 30,
    feeYuan: 500,
    targetTiers: ['core', 'key'],
    uptake: 0.1,
  },
  {
    title: '县域和乡镇门店开店指南',
    description: '乡镇网点选址、高性价比产品组合、安装服务外包和小店盈利模型。',
    inDays: 13,
    at: '19:30',
    mode: 'online',
    tags: ['下沉市场'],
    seats: 80,
    feeYuan: 0,
    targetTiers: [],
    uptake: 0.05,
  },
  {
    title: '年终冲量：阶梯返利政策解读',
    description: '第四季度阶梯返利、工程渠道超额累进返利和三周年额外返利的计算方法与冲量建议。',
    inDays: 4,
    at: '19:30',
    mode: 'online',
    tags: [],
    seats: 200,
    feeYuan: 0,
    targetTiers: [],
    uptake: 0.12,
  },
  {
    title: '门店数字化：库存同步与补货建议',
    description: '如何每天同步门店库存和销量，读懂企微助手的补货建议和周转天数。',
    inDays: 17,
    at: '14:00',
    mode: 'online',
    tags: ['零售终端'],
    seats: 100,
    feeYuan: 300,
    targetTiers: [],
    uptake: 0.04,
  },
  {
    title: '安装服务标准与售后处理',
    description: '门窗和橱柜安装验收标准、常见售后问题处理流程，含现场实操。',
    inDays: 24,
    at: '09:00',
    mode: 'offline',
    tags: [],
    seats: 24,
    feeYuan: 800,
    targetTiers: [],
    location: '杭州总部培训中心',
    uptake: 0.04,
  },
  {
    title: '新商成长营：第一年怎么做到500万',
    description: '优秀新经销商分享开业筹备、团队搭建和首年营销节奏。',
    inDays: 31,
    at: '14:00',
    mode: 'offline',
    tags: ['高成长'],
    seats: 30,
    feeYuan: 1500,
    targetTiers: ['key', 'regular'],
    location: '杭州总部培训中心',
    uptake: 0.03,
  },
  {
    title: '门店导购成交技巧（上期）',
    description: '进店接待、需求挖掘和报价成交的话术演练；上期已结课，到场记录可在后台查看。',
    inDays: -5,
    at: '14:00',
    mode: 'online',
    tags: ['零售终端'],
    seats: 60,
    feeYuan: 300,
    targetTiers: [],
    uptake: 0.06,
  },
  {
    title: '社群营销：门店私域与社群团购',
    description: '企业微信社群搭建、老客户转介绍和小区团购活动的组织方法，适合店长和导购。',
    inDays: 1,
    at: '19:30',
    mode: 'online',
    tags: ['零售终端'],
    seats: 50,
    feeYuan: 400,
    targetTiers: [],
    uptake: 0.06,
  },
  {
    title: '旗舰店终端陈列大师班',
    description: '旗舰店样窗、橱柜样间和灯光陈列的现场打造，小班实操。',
    inDays: 20,
    at: '09:00',
    mode: 'offline',
    tags: ['零售终端'],
    seats: 12,
    feeYuan: 2000,
    targetTiers: ['core', 'key'],
    location: '杭州总部培训中心',
    uptake: 0.12,
  },
];

/** Honour titles; `{year}` is the year before `now`'s, `{half}` the current year's first half. */
export const HONOUR_TITLES = {
  top: '{year}年度金牌经销商',
  growth: '{year}年度最佳成长奖',
  service: '{year}年度服务之星',
  engineering: '{year}年度工程渠道突破奖',
  area: '{half}上半年{area}区销售冠军',
  /** Honours by rule (core/honours), as the honours job titles them. */
  ruleQuarter: '{year}年第{q}季度{name}',
  ruleYear: '{year}年度{name}',
} as const;
