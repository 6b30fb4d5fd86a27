import type { PipelineBus } from './bus.js';

/**
 * Runs `pass` now, whenever the bus announces work (`event`), and every `pollMs` otherwise (other instances' work
 * is only found by polling). One pass at a time: a wake-up during a pass runs another pass right after it (the
 * pass may have looked before the work arrived). Wake-ups use `setImmediate`, no timer; `stop` waits for the
 * running pass.
 */
export class PollLoop {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private current: Promise<void> | null = null;
  /** A wake-up arrived while a pass ran. */
  private again = false;

  constructor(
    private readonly bus: PipelineBus,
    private readonly event: 'inbound' | 'outbox',
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly onError: (e: Error) => void,
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.bus.on(this.event, this.kick);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.bus.off(this.event, this.kick);
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    if (this.current) await this.current;
  }

  readonly kick = (): void => {
    if (this.current) this.again = true;
    else this.schedule(0);
  };

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (ms > 0) this.timer = setTimeout(() => void this.run(), ms);
    else
      this.immediate ??= setImmediate(() => {
        this.immediate = null;
        void this.run();
      });
  }

  private async run(): Promise<void> {
    if (this.current) return;
    this.again = false;
    this.current = (async () => {
      // Yield first: were the pass to finish synchronously, its `finally` would run before this assignment and
      // leave a settled promise behind, so the loop would never run again.
      await null;
      try {
        await this.pass();
      } catch (e) {
        this.onError(e as Error);
      } finally {
        this.current = null;
        this.schedule(this.again ? 0 : this.pollMs);
      }
    })();
    await this.current;
  }
}
