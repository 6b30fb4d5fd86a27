import type { KeyValueStore } from './kv.js';
import { MemoryKeyValueStore } from './memory.kv.js';
import { RedisKeyValueStore } from './redis.kv.js';

export type { KeyValueStore } from './kv.js';

export type KvConfig = { kind: 'redis'; url: string } | { kind: 'memory' };

export async function openKeyValueStore(config: KvConfig): Promise<KeyValueStore> {
  if (config.kind === 'redis') return new RedisKeyValueStore(config.url).connect();
  return new MemoryKeyValueStore();
}
