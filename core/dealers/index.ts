export * from './metrics.js';
export * from './ports.js';
export * from './retier.messages.js';
export * from './retiering.service.js';
export * from './scoring.js';
export * from './tags.js';
export * from './tiers.js';
