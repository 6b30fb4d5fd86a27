export const STATE_TTL_MS = 30 * 60_000;
export async function loadState(db, sender, now) {
    const row = await db
        .selectFrom('conversation_state')
        .select(['state', 'expires_at'])
        .where('sender', '=', sender)
        .executeTakeFirst();
    if (!row)
        return {};
    const state = row.state;
    if (row.expires_at > now)
        return state;
    // Silence ended the conversation, but a late "确认" should still hear what became of the draft it meant.
    const lastDraftId = state.draftId ?? state.lastDraftId;
    return lastDraftId ? { lastDraftId } : {};
}
export async function saveState(db, sender, state, now) {
    if (Object.keys(state).length === 0) {
        await db.deleteFrom('conversation_state').where('sender', '=', sender).execute();
        return;
    }
    const values = { state: JSON.stringify(state), updated_at: now, expires_at: new Date(now.getTime() + STATE_TTL_MS) };
    await db
        .insertInto('conversation_state')
        .values({ sender, ...values })
        .onConflict((oc) => oc.column('sender').doUpdateSet(values))
        .execute();
}
//# sourceMappingURL=state.js.map