import { MemoryKeyValueStore } from './memory.kv.js';
import { RedisKeyValueStore } from './redis.kv.js';
export async function openKeyValueStore(config) {
    if (config.kind === 'redis')
        return new RedisKeyValueStore(config.url).connect();
    return new MemoryKeyValueStore();
}
//# sourceMappingURL=index.js.map