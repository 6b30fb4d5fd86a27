/** The active catalog, as core's Product. */
export async function loadCatalog(db) {
    const rows = await db.selectFrom('products').selectAll().where('active', '=', true).orderBy('sku').execute();
    return rows.map(toProduct);
}
/** A products row as core's Product. */
export function toProduct(r) {
    return {
        sku: r.sku,
        name: r.name,
        category: r.category,
        series: r.series,
        unit: r.unit,
        listPriceFen: r.list_price_fen,
        moq: r.moq,
        orderMultiple: r.order_multiple,
        leadTimeDays: r.lead_time_days,
        tags: r.tags,
        aliases: r.aliases,
    };
}
//# sourceMappingURL=catalog.repository.js.map