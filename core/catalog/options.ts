import { GLASS_KINDS, type GlassKind, OPENINGS, type Opening } from '../common/slots.js';
import { type Tier, tierPriceFen } from './pricing.js';

/**
 * Made-to-size windows and doors: the options a product offers and its price rule. A configured line is priced by
 * area — max(width × height, the minimum billable area) × (the tier's price per m² + the glass and colour
 * surcharges per m²) — rounded half-up to the fen once, per unit. Money is integer fen.
 */
export interface ProductOptions {
  widthMm: { min: number; max: number };
  heightMm: { min: number; max: number };
  /** Glass the product is made with and its surcharge per m² (empty: the product has no glass, e.g. a wooden door). */
  glass: Array<{ kind: GlassKind; surchargeFenPerM2: number }>;
  openings: Opening[];
  /** The first colour is the standard one, used when none is said. */
  colors: Array<{ name: string; surchargeFenPerM2: number }>;
  /** List price per m² (the tier discount applies to it, not to surcharges). */
  pricePerM2Fen: number;
  /** Smaller windows are billed as this area, in mm² (1 m² = 1,000,000 mm²). */
  minAreaMm2: number;
}

/** What a configured line carries (the draft, the order line). */
export interface ItemConfig {
  widthMm: number;
  heightMm: number;
  glass?: GlassKind;
  opening?: Opening;
  color?: string;
}

/** What the dealer said of a configured line, any field possibly missing. */
export type ConfigRequest = Partial<ItemConfig>;

export type ConfigField = 'width' | 'height' | 'glass' | 'opening';

export type ConfigCheck =
  | { ok: true; config: ItemConfig }
  | { ok: false; reason: 'missing'; fields: ConfigField[] }
  | { ok: false; reason: 'width_range' | 'height_range'; value: number; min: number; max: number }
  | { ok: false; reason: 'glass'; value: GlassKind; offered: GlassKind[] }
  | { ok: false; reason: 'opening'; value: Opening; offered: Opening[] }
  | { ok: false; reason: 'color'; value: string; offered: string[] };

const MM2_PER_M2 = 1_000_000;

/** "深灰" and "深灰色" are one colour. */
const colorKey = (s: string) => s.replace(/色$/, '');

/** The fields a configured request lacks (a single offered glass or opening needs no answer). */
export function missingOptions(options: ProductOptions, req: ConfigRequest): ConfigField[] {
  const out: ConfigField[] = [];
  if (req.widthMm === undefined) out.push('width');
  if (req.heightMm === undefined) out.push('height');
  if (req.glass === undefined && options.glass.length > 1) out.push('glass');
  if (req.opening === undefined && options.openings.length > 1) out.push('opening');
  return out;
}

/** Checks a request against the product's options and fills the defaults (the only glass/opening, the standard colour). */
export function checkConfig(options: ProductOptions, req: ConfigRequest): ConfigCheck {
  const fields = missingOptions(options, req);
  if (fields.length > 0) return { ok: false, reason: 'missing', fields };
  const w = req.widthMm!;
  const h = req.heightMm!;
  if (w < options.widthMm.min || w > options.widthMm.max)
    return { ok: false, reason: 'width_range', value: w, ...options.widthMm };
  if (h < options.heightMm.min || h > options.heightMm.max)
    return { ok: false, reason: 'height_range', value: h, ...options.heightMm };
  const offeredGlass = options.glass.map((g) => g.kind);
  const glass = req.glass ?? offeredGlass[0];
  if (req.glass !== undefined && !offeredGlass.includes(req.glass))
    return { ok: false, reason: 'glass', value: req.glass, offered: offeredGlass };
  const opening = req.opening ?? options.openings[0];
  if (req.opening !== undefined && !options.openings.includes(req.opening))
    return { ok: false, reason: 'opening', value: req.opening, offered: options.openings };
  const color = req.color === undefined ? options.colors[0]?.name : findColor(options, req.color)?.name;
  if (req.color !== undefined && color === undefined)
    return { ok: false, reason: 'color', value: req.color, offered: options.colors.map((c) => c.name) };
  return {
    ok: true,
    config: {
      widthMm: w,
      heightMm: h,
      ...(glass ? { glass } : {}),
      ...(opening ? { opening } : {}),
      ...(color ? { color } : {}),
    },
  };
}

/** The colour said, exactly or as the one offered colour it names part of ("灰" is 深灰, "香槟金" is 香槟). */
function findColor(options: ProductOptions, said: string) {
  const key = colorKey(said);
  const exact = options.colors.find((c) => colorKey(c.name) === key);
  if (exact || key === '') return exact;
  const near = options.colors.filter((c) => colorKey(c.name).includes(key) || key.includes(colorKey(c.name)));
  return near.length === 1 ? near[0] : undefined;
}

/** A size said for a line has no side of zero or below (such a size is answered, never applied). */
export function sizePositive(req: ConfigRequest): boolean {
  return (req.widthMm === undefined || req.widthMm > 0) && (req.heightMm === undefined || req.heightMm > 0);
}

/** Whether a made-to-size line is the one of this size ("1200*1500那个"). */
export function ofSize(config: ItemConfig | undefined, size: { widthMm: number; heightMm: number }): boolean {
  return config !== undefined && config.widthMm === size.widthMm && config.heightMm === size.heightMm;
}

/** The billed area in mm²: the window's own, or the minimum when it is smaller. */
export function billableAreaMm2(options: ProductOptions, config: ItemConfig): number {
  return Math.max(config.widthMm * config.heightMm, options.minAreaMm2);
}

/** The unit price of a configured line for the tier, rounded half-up to the fen once. */
export function configuredUnitPriceFen(options: ProductOptions, config: ItemConfig, tier: Tier): number {
  const base = tierPriceFen(options.pricePerM2Fen, tier);
  const glass = options.glass.find((g) => g.kind === config.glass)?.surchargeFenPerM2 ?? 0;
  const color = config.color ? (findColor(options, config.color)?.surchargeFenPerM2 ?? 0) : 0;
  const perM2 = base + glass + color;
  return Math.floor((billableAreaMm2(options, config) * perM2 + MM2_PER_M2 / 2) / MM2_PER_M2);
}

/** A stable key of a configuration: two lines of one product merge only when their configurations are equal. */
export function configKey(config: ItemConfig | undefined): string {
  if (!config) return '';
  return [config.widthMm, config.heightMm, config.glass ?? '', config.opening ?? '', config.color ?? ''].join('/');
}

// ---------------------------------------------------------------- the catalog's `options` column

/**
 * The `options` column of the catalog CSV and the products import, one text field:
 * `w=600-2400;h=600-2400;glass=double:0|triple:90;open=inward|outward;color=深灰:0|香槟:40;m2=980;min=1.2`
 * — ranges in mm, surcharges and the price per m² in yuan, the minimum billable area in m². Empty: not made to size.
 */
export function parseOptionsSpec(spec: string): ProductOptions | null | { error: string } {
  const text = spec.trim();
  if (text === '') return null;
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `bad part "${part}"` };
    parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const range = (key: string) => {
    const m = /^(\d{2,5})\s*-\s*(\d{2,5})$/.exec(parts.get(key) ?? '');
    if (!m) return null;
    const min = Number(m[1]);
    const max = Number(m[2]);
    return min > 0 && min <= max ? { min, max } : null;
  };
  const widthMm = range('w');
  const heightMm = range('h');
  if (!widthMm || !heightMm) return { error: 'w and h must be ranges in mm (600-2400)' };
  const priced = (list: string) =>
    list
      .split('|')
      .filter(Boolean)
      .map((item) => {
        const [name, fee] = item.split(':');
        const yuan = fee === undefined || fee === '' ? 0 : Number(fee);
        return { name: name!.trim(), fen: Number.isFinite(yuan) && yuan >= 0 ? Math.round(yuan * 100) : Number.NaN };
      });
  const glass = priced(parts.get('glass') ?? '');
  if (glass.some((g) => !(GLASS_KINDS as readonly string[]).includes(g.name) || Number.isNaN(g.fen)))
    return { error: `glass must be among ${GLASS_KINDS.join('|')} with a surcharge in yuan` };
  const openings = (parts.get('open') ?? '').split('|').filter(Boolean);
  if (openings.length === 0 || openings.some((o) => !(OPENINGS as readonly string[]).includes(o)))
    return { error: `open must be among ${OPENINGS.join('|')}` };
  const colors = priced(parts.get('color') ?? '');
  if (colors.some((c) => c.name === '' || Number.isNaN(c.fen))) return { error: 'bad color list' };
  const perM2 = Number(parts.get('m2'));
  const minM2 = Number(parts.get('min') ?? '0');
  if (!(perM2 > 0) || !(minM2 >= 0)) return { error: 'm2 (yuan per m²) must be positive and min (m²) not negative' };
  return {
    widthMm,
    heightMm,
    glass: glass.map((g) => ({ kind: g.name as GlassKind, surchargeFenPerM2: g.fen })),
    openings: openings as Opening[],
    colors: colors.map((c) => ({ name: c.name, surchargeFenPerM2: c.fen })),
    pricePerM2Fen: Math.round(perM2 * 100),
    minAreaMm2: Math.round(minM2 * MM2_PER_M2),
  };
}

/** The options as the spec text (the export and the import round-trip through it). */
export function formatOptionsSpec(o: ProductOptions): string {
  const yuan = (fen: number) => String(fen / 100);
  return [
    `w=${o.widthMm.min}-${o.widthMm.max}`,
    `h=${o.heightMm.min}-${o.heightMm.max}`,
    `glass=${o.glass.map((g) => `${g.kind}:${yuan(g.surchargeFenPerM2)}`).join('|')}`,
    `open=${o.openings.join('|')}`,
    `color=${o.colors.map((c) => `${c.name}:${yuan(c.surchargeFenPerM2)}`).join('|')}`,
    `m2=${yuan(o.pricePerM2Fen)}`,
    `min=${o.minAreaMm2 / MM2_PER_M2}`,
  ].join(';');
}
