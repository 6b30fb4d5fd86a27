import { sql } from 'kysely';
// Frozen. Need codes are `N` + id and chat parsers read N + 2 or more digits (N60 is a window model):
// start need ids at 1001 so every need code is unambiguous (N1001, N1024 …), never below existing ids.
export async function up(db) {
    await sql `select setval(pg_get_serial_sequence('needs', 'id'), greatest(1000, (select coalesce(max(id), 0) from needs)))`.execute(db);
}
export async function down(_db) { }
//# sourceMappingURL=0002_need_ids.js.map