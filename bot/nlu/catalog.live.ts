import type { Product } from '../../core/catalog/catalog.types.js';
import { CatalogMatcher } from './catalog.matcher.js';

/** Where the live catalog reads products, and a cheap fingerprint of them (db/repositories/catalog.repository.ts). */
export interface CatalogReader {
  products(): Promise<Product[]>;
  fingerprint(): Promise<string>;
}

/**
 * The product matcher every turn uses, built once and rebuilt only when the catalog changed. Products change by
 * import (CLI, admin API, ERP sync) on any instance, so the check is a fingerprint of the products table read in the
 * background every `everyMs` (one small query, never on a message's path): an import is understood by the chat of
 * every instance within that time.
 */
export class LiveCatalog {
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;

  private constructor(
    private readonly reader: CatalogReader,
    private matcher: CatalogMatcher,
    private fingerprint: string,
  ) {}

  static async open(reader: CatalogReader): Promise<LiveCatalog> {
    const fingerprint = await reader.fingerprint();
    return new LiveCatalog(reader, new CatalogMatcher(await reader.products()), fingerprint);
  }

  /** The matcher of the latest catalog seen. */
  current(): CatalogMatcher {
    return this.matcher;
  }

  /** Rebuilds the matcher when the products changed since the last look; true when it did. One check at a time. */
  refresh(): Promise<boolean> {
    this.checking ??= (async () => {
      try {
        // The fingerprint first: a change landing between the two reads is seen again at the next check.
        const fingerprint = await this.reader.fingerprint();
        if (fingerprint === this.fingerprint) return false;
        this.matcher = new CatalogMatcher(await this.reader.products());
        this.fingerprint = fingerprint;
        return true;
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /** Checks every `everyMs` until `stop`; a failed check (database away) keeps the current matcher. */
  start(everyMs: number, onError: (e: Error) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
