const DEFAULT_LEAD_TIME_DAYS = 14;
/**
 * Parses K's catalog CSV (sku,name,category,series,unit,list_price,moq,tags,aliases; lists joined by '|').
 * List prices are in yuan in the file and become fen here. The order multiple defaults to 1: K sells
 * any quantity at or above the MOQ unless the product row says otherwise.
 */
export function parseCatalogCsv(text) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = lines.shift()?.split(',') ?? [];
    const col = (name) => {
        const i = header.indexOf(name);
        if (i < 0)
            throw new Error(`catalog.csv: missing column ${name}`);
        return i;
    };
    const idx = {
        sku: col('sku'),
        name: col('name'),
        category: col('category'),
        series: col('series'),
        unit: col('unit'),
        price: col('list_price'),
        moq: col('moq'),
        tags: col('tags'),
        aliases: col('aliases'),
    };
    const list = (v) => (v ? v.split('|').filter(Boolean) : []);
    return lines.map((line) => {
        const f = line.split(',');
        const moq = Number(f[idx.moq]);
        return {
            sku: f[idx.sku],
            name: f[idx.name],
            category: f[idx.category],
            series: f[idx.series],
            unit: f[idx.unit],
            listPriceFen: Math.round(Number(f[idx.price]) * 100),
            moq,
            orderMultiple: 1,
            leadTimeDays: DEFAULT_LEAD_TIME_DAYS,
            tags: list(f[idx.tags]),
            aliases: list(f[idx.aliases]),
        };
    });
}
//# sourceMappingURL=catalog.csv.js.map