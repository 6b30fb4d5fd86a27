import type { MarketLevel } from '../schema.js';

/**
 * A compact but real slice of China's administrative geography for the K demo: 27 provinces in six sales areas,
 * 2–4 cities each, urban districts (the city's market level), counties and county-level cities (县城) and a few
 * townships under them (乡镇). Township regions are stored with county = county + township ("大邑县安仁镇").
 */

export type AreaCode = '华东' | '华南' | '华北' | '华中' | '西南' | '西北东北';

export interface RegionDef {
  province: string;
  city: string;
  county: string;
  marketLevel: MarketLevel;
  /** The county or district a township belongs to (equal to county for districts and counties). */
  parent: string;
  kind: 'district' | 'county' | 'township';
}

export interface CityDef {
  province: string;
  name: string;
  level: Extract<MarketLevel, '一线' | '二线' | '三四线'>;
  regions: RegionDef[];
}

export interface ProvinceDef {
  name: string;
  area: AreaCode;
  /** Relative share of K's dealers in this province. */
  weight: number;
  cities: CityDef[];
}

/** The six sales areas, each led by one regional manager at scale 1 (M001..M006 in this order). */
export const AREAS: readonly AreaCode[] = ['华东', '华南', '华北', '华中', '西南', '西北东北'];

// province|area|weight followed by one line per city:
//   city|level|district[:town/town],...|county[:town/town],...
const RAW = `
上海|华东|3
上海市|一线|浦东新区:川沙新镇/惠南镇,闵行区,嘉定区:安亭镇/南翔镇,松江区:泗泾镇|
江苏|华东|7
南京市|二线|鼓楼区,江宁区,浦口区|
苏州市|二线|姑苏区,吴中区:甪直镇/木渎镇,相城区|常熟市:梅李镇/沙家浜镇,昆山市:周庄镇/千灯镇
徐州市|三四线|云龙区,铜山区|睢宁县:沙集镇/古邳镇,沛县:龙固镇/鹿楼镇
南通市|三四线|崇川区|如东县:栟茶镇/岔河镇,启东市:吕四港镇/汇龙镇
浙江|华东|7
杭州市|二线|西湖区,余杭区,萧山区:瓜沥镇/义桥镇|桐庐县:分水镇/富春江镇,淳安县:千岛湖镇/威坪镇
宁波市|二线|鄞州区,海曙区|宁海县:西店镇/长街镇,象山县:石浦镇/西周镇
温州市|三四线|鹿城区,瓯海区|乐清市:柳市镇/虹桥镇,永嘉县:桥头镇/桥下镇
金华市|三四线|婺城区|义乌市:佛堂镇/苏溪镇,永康市:古山镇/芝英镇
安徽|华东|4
合肥市|二线|蜀山区,包河区|肥西县:三河镇/上派镇,长丰县:双墩镇/岗集镇
阜阳市|三四线|颍州区|临泉县:杨桥镇/姜寨镇,太和县:旧县镇/宫集镇
芜湖市|三四线|镜湖区|无为市:高沟镇/襄安镇
福建|华东|4
福州市|二线|鼓楼区,仓山区|闽侯县:青口镇/南屿镇,福清市:龙田镇/高山镇
厦门市|二线|思明区,湖里区|
泉州市|三四线|丰泽区|晋江市:安海镇/陈埭镇,南安市:水头镇/官桥镇
江西|华东|3
南昌市|二线|红谷滩区,青山湖区|南昌县:向塘镇/莲塘镇,进贤县:李渡镇/文港镇
赣州市|三四线|章贡区,南康区:唐江镇/龙岭镇|于都县:贡江镇/银坑镇
山东|华东|7
济南市|二线|历下区,历城区|商河县:玉皇庙镇/龙桑寺镇,平阴县:孝直镇/东阿镇
青岛市|二线|市南区,黄岛区|胶州市:李哥庄镇/铺集镇
临沂市|三四线|兰山区|沂水县:许家湖镇/高桥镇,兰陵县:向城镇/长城镇
潍坊市|三四线|奎文区|寿光市:稻田镇/侯镇,青州市:弥河镇/谭坊镇
广东|华南|8
广州市|一线|天河区,白云区,番禺区:石楼镇/化龙镇,从化区:太平镇/鳌头镇|
深圳市|一线|南山区,宝安区,龙岗区|
佛山市|二线|禅城区,南海区:大沥镇/狮山镇,顺德区:乐从镇/龙江镇|
湛江市|三四线|赤坎区|廉江市:安铺镇/石城镇,徐闻县:下洋镇/曲界镇
梅州市|三四线|梅江区|兴宁市:坭陂镇/黄槐镇,五华县:华城镇/安流镇
广西|华南|3
南宁市|二线|青秀区,西乡塘区|宾阳县:黎塘镇/新桥镇,横州市:六景镇/峦城镇
柳州市|三四线|城中区|柳城县:大埔镇/沙埔镇,鹿寨县:中渡镇/鹿寨镇
玉林市|三四线|玉州区|北流市:民乐镇/新圩镇,博白县:博白镇/龙潭镇
海南|华南|1
海口市|三四线|龙华区,美兰区:演丰镇/三江镇|
三亚市|三四线|吉阳区,天涯区|
北京|华北|3
北京市|一线|朝阳区,海淀区,大兴区:庞各庄镇/礼贤镇,顺义区:杨镇/李桥镇|
天津|华北|1.5
天津市|二线|和平区,滨海新区,武清区:崔黄口镇/大良镇,静海区:大邱庄镇/团泊镇|
河北|华北|4
石家庄市|二线|长安区,裕华区|赵县:赵州镇/范庄镇,辛集市:旧城镇/张古庄镇
保定市|三四线|竞秀区|高碑店市:白沟镇/辛立庄镇,涿州市:松林店镇/码头镇
唐山市|三四线|路北区|玉田县:鸦鸿桥镇/林南仓镇
邯郸市|三四线|丛台区|武安市:午汲镇/冶陶镇
山西|华北|2
太原市|二线|小店区,迎泽区|清徐县:清源镇/徐沟镇
大同市|三四线|平城区|阳高县:龙泉镇/罗文皂镇
运城市|三四线|盐湖区|永济市:蒲州镇/开张镇
内蒙古|华北|1.5
呼和浩特市|三四线|赛罕区,新城区|托克托县:双河镇/新营子镇
包头市|三四线|昆都仑区|土默特右旗:萨拉齐镇/美岱召镇
河南|华中|6
郑州市|二线|金水区,二七区,中原区|新郑市:龙湖镇/薛店镇,中牟县:官渡镇/韩寺镇
洛阳市|三四线|涧西区|新安县:铁门镇/磁涧镇,宜阳县:白杨镇/柳泉镇
周口市|三四线|川汇区|项城市:秣陵镇/丁集镇,郸城县:宁平镇/石槽镇
南阳市|三四线|卧龙区|邓州市:穰东镇/构林镇,镇平县:石佛寺镇/贾宋镇
湖北|华中|4
武汉市|二线|武昌区,洪山区,江夏区|
襄阳市|三四线|樊城区|枣阳市:吴店镇/兴隆镇,谷城县:石花镇/盛康镇
宜昌市|三四线|西陵区|当阳市:河溶镇/淯溪镇,枝江市:董市镇/安福寺镇
荆州市|三四线|沙市区|监利市:朱河镇/新沟镇,公安县:斗湖堤镇/埠河镇
湖南|华中|4
长沙市|二线|岳麓区,雨花区,开福区|浏阳市:大瑶镇/永安镇,长沙县:黄花镇/春华镇
衡阳市|三四线|蒸湘区|衡东县:吴集镇/新塘镇
邵阳市|三四线|双清区|邵东市:廉桥镇/仙槎桥镇,隆回县:桃洪镇/六都寨镇
重庆|西南|3
重庆市|二线|渝中区,江北区,渝北区,江津区:白沙镇/珞璜镇|忠县:石宝镇/拔山镇,奉节县:白帝镇/草堂镇
四川|西南|6
成都市|二线|锦江区,武侯区,双流区,新都区|大邑县:安仁镇/新场镇,蒲江县:西来镇/大塘镇
绵阳市|三四线|涪城区|江油市:青莲镇/武都镇,三台县:潼川镇/芦溪镇
南充市|三四线|顺庆区|阆中市:老观镇/千佛镇,营山县:回龙镇/骆市镇
宜宾市|三四线|翠屏区|江安县:江安镇/红桥镇,长宁县:竹海镇/长宁镇
贵州|西南|2
贵阳市|二线|云岩区,观山湖区|开阳县:双流镇/楠木渡镇
遵义市|三四线|红花岗区|仁怀市:茅台镇/二合镇,湄潭县:永兴镇/兴隆镇
云南|西南|2.5
昆明市|二线|五华区,官渡区|宜良县:狗街镇/北古城镇,嵩明县:杨林镇/小街镇
曲靖市|三四线|麒麟区|陆良县:马街镇/召夸镇,罗平县:板桥镇/阿岗镇
大理白族自治州|三四线||大理市:喜洲镇/双廊镇,祥云县:祥城镇/云南驿镇
陕西|西北东北|3
西安市|二线|雁塔区,未央区,长安区|蓝田县:华胥镇/汤峪镇,周至县:集贤镇/楼观镇
宝鸡市|三四线|渭滨区|岐山县:蔡家坡镇/益店镇
榆林市|三四线|榆阳区|神木市:大柳塔镇/锦界镇,靖边县:东坑镇/杨桥畔镇
甘肃|西北东北|1.5
兰州市|三四线|城关区,七里河区|榆中县:和平镇/夏官营镇,皋兰县:石洞镇/忠和镇
天水市|三四线|秦州区|甘谷县:大像山镇/新兴镇,秦安县:兴国镇/莲花镇
辽宁|西北东北|2.5
沈阳市|二线|和平区,浑南区|新民市:大民屯镇/兴隆镇,法库县:大孤家子镇/秀水河子镇
大连市|二线|沙河口区,甘井子区|庄河市:青堆镇/大郑镇
鞍山市|三四线|铁东区|海城市:西柳镇/南台镇,台安县:新开河镇/桑林镇
吉林|西北东北|1.5
长春市|二线|朝阳区,南关区|农安县:合隆镇/伏龙泉镇,榆树市:五棵树镇/弓棚子镇
吉林市|三四线|船营区|磐石市:明城镇/烟筒山镇
黑龙江|西北东北|2
哈尔滨市|二线|南岗区,道里区|宾县:宾州镇/宾西镇,五常市:山河镇/拉林镇
大庆市|三四线|萨尔图区|肇州县:肇州镇/丰乐镇,林甸县:林甸镇/红旗镇
齐齐哈尔市|三四线|龙沙区|讷河市:拉哈镇/讷南镇
`;

function parse(): ProvinceDef[] {
  const provinces: ProvinceDef[] = [];
  for (const line of RAW.split('\n')) {
    if (!line.trim()) continue;
    const parts = line.split('|');
    if (parts.length === 3) {
      provinces.push({ name: parts[0]!, area: parts[1] as AreaCode, weight: Number(parts[2]), cities: [] });
      continue;
    }
    const province = provinces.at(-1)!;
    const [name, level, districts = '', counties = ''] = parts as [string, CityDef['level'], string?, string?];
    const regions: RegionDef[] = [];
    const add = (group: string, kind: 'district' | 'county') => {
      for (const entry of group.split(',').filter(Boolean)) {
        const [unit, towns = ''] = entry.split(':') as [string, string?];
        regions.push({
          province: province.name,
          city: name,
          county: unit,
          marketLevel: kind === 'district' ? level : '县城',
          parent: unit,
          kind,
        });
        for (const town of towns.split('/').filter(Boolean)) {
          regions.push({
            province: province.name,
            city: name,
            county: `${unit}${town}`,
            marketLevel: '乡镇',
            parent: unit,
            kind: 'township',
          });
        }
      }
    };
    add(districts, 'district');
    add(counties, 'county');
    province.cities.push({ province: province.name, name, level, regions });
  }
  return provinces;
}

export const PROVINCES: readonly ProvinceDef[] = parse();

/** Every region row, in a stable order (the seed inserts them in this order, ids 1..n). */
export const REGIONS: readonly RegionDef[] = PROVINCES.flatMap((p) => p.cities.flatMap((c) => c.regions));

/** The provinces of each sales area. */
export const AREA_PROVINCES: Readonly<Record<AreaCode, readonly string[]>> = Object.fromEntries(
  AREAS.map((a) => [a, PROVINCES.filter((p) => p.area === a).map((p) => p.name)]),
) as Record<AreaCode, string[]>;

/** "成都市" → "成都", "大邑县" → "大邑", "大理白族自治州" → "大理", "土默特右旗" → "土默特右旗". */
export function shortPlaceName(name: string): string {
  if (name.endsWith('自治州')) return name.replace(/(白族|回族|彝族|藏族|苗族|壮族)?自治州$/, '');
  if (name.length > 2 && /[市县区]$/.test(name)) return name.slice(0, -1);
  return name;
}
