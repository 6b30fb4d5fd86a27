export * from './metrics.js';
export * from './retier.messages.js';
export * from './scoring.js';
export * from './tags.js';
export * from './tiers.js';
//# sourceMappingURL=index.js.map