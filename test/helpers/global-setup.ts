// Filled in by the foundation work: prepares a migrated database template shared by all suites.
export default async function setup(): Promise<void> {}
