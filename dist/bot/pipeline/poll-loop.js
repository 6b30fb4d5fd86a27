/**
 * Runs `pass` now, whenever the bus announces work (`event`), and every `pollMs` otherwise (other instances' work
 * is only found by polling). One pass at a time; `stop` waits for the running one.
 */
export class PollLoop {
    bus;
    event;
    pass;
    pollMs;
    onError;
    running = false;
    timer = null;
    current = null;
    constructor(bus, event, pass, pollMs, onError) {
        this.bus = bus;
        this.event = event;
        this.pass = pass;
        this.pollMs = pollMs;
        this.onError = onError;
    }
    get active() {
        return this.running;
    }
    start() {
        if (this.running)
            return;
        this.running = true;
        this.bus.on(this.event, this.kick);
        this.schedule(0);
    }
    async stop() {
        this.running = false;
        this.bus.off(this.event, this.kick);
        if (this.timer)
            clearTimeout(this.timer);
        if (this.current)
            await this.current;
    }
    kick = () => this.schedule(0);
    schedule(ms) {
        if (!this.running)
            return;
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.run(), ms);
    }
    async run() {
        if (this.current)
            return;
        this.current = (async () => {
            // Yield first: were the pass to finish synchronously, its `finally` would run before this assignment and
            // leave a settled promise behind, so the loop would never run again.
            await null;
            try {
                await this.pass();
            }
            catch (e) {
                this.onError(e);
            }
            finally {
                this.current = null;
                this.schedule(this.pollMs);
            }
        })();
        await this.current;
    }
}
/**
 * For a single-process database (PGlite, lock-guarded): leases a crashed run left behind can be taken back at once
 * instead of when they expire.
 */
export async function releaseLeases(db, table, leasedStatus) {
    const r = await db
        .updateTable(table)
        .set({ status: 'pending', locked_until: null })
        .where('status', '=', leasedStatus)
        .executeTakeFirst();
    return Number(r.numUpdatedRows);
}
//# sourceMappingURL=poll-loop.js.map