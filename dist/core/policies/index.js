export * from './anniversary.js';
export * from './current.js';
export * from './dates.js';
export * from './explain.js';
export * from './growth.js';
export * from './ladder.js';
export * from './money.js';
export * from './number.guard.js';
export * from './policy.types.js';
export * from './promotion.js';
export * from './qualifying.js';
export * from './targeting.js';
//# sourceMappingURL=index.js.map