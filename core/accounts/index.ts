export * from './accounts.errors.js';
export * from './accounts.types.js';
export * from './directory.service.js';
export * from './name-match.js';
export * from './ports.js';
export * from './statement.rules.js';
export * from './statement.service.js';
export * from './tier.service.js';
