/** Chinese personal and trade names for the demo data. */
const SURNAMES = [
    ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
// biome-ignore format: a compact data table
const GIVEN_NAMES = [
    '伟', '芳', '敏', '静', '磊', '军', '洋', '勇', '杰', '涛', '超', '娟', '强', '鹏', '斌', '波', '辉', '刚', '平', '琳',
    '建国', '建华', '志强', '志明', '海燕', '海涛', '晓东', '晓明', '春梅', '秋菊', '国庆', '永刚', '德明', '文杰', '子豪',
    '思远', '雅婷', '欣怡', '浩然', '宇航', '俊杰', '丽华', '桂英', '秀兰', '玉兰', '红霞', '建军', '建平', '国华', '立新',
    '卫东', '小红', '小燕', '金凤', '长江', '振华', '明辉', '少华', '志刚', '春生', '晓峰', '晓燕', '慧敏', '丽娟', '文静',
    '家豪', '嘉怡', '梓涵', '俊峰', '凯', '亮', '峰', '健', '勋', '霞', '萍', '丹', '颖', '婷', '瑞', '鑫', '昊', '宁',
];
export function personName(rng) {
    return rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES);
}
// biome-ignore format: a compact data table
export const BRAND_WORDS = [
    '锦华', '华美', '鑫盛', '永安', '恒通', '盛世', '宏达', '佳和', '聚源', '金鼎', '瑞丰', '诚信', '安居', '美家', '欧雅',
    '尚品', '家和', '名匠', '嘉业', '泰和', '兴隆', '鼎盛', '福源', '顺达', '德润', '天成', '博雅', '汇丰', '金诚', '利民',
    '长兴', '宏图', '新锐', '恒信', '富华', '华盛', '万家', '乐居', '鸿运', '正大', '精诚', '盛源', '东方', '开元', '明辉',
    '广厦', '安泰', '和顺', '金宇', '祥瑞', '合盛', '中兴', '隆昌', '远航', '创美', '悦家', '雅居', '匠心', '润华', '百合',
];
export const TRADE_SUFFIXES = ['商行', '经营部', '有限公司', '贸易有限公司', '门市部', '专卖店'];
// biome-ignore format: a compact data table
const MOBILE_PREFIXES = [
    '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157',
    '158', '159', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
];
/** A mainland mobile number (11 digits, 13x/15x/18x) not yet in `taken`; adds it to `taken`. */
export function uniquePhone(rng, taken) {
    for (;;) {
        const phone = rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
        if (!taken.has(phone)) {
            taken.add(phone);
            return phone;
        }
    }
}
//# sourceMappingURL=names.js.map