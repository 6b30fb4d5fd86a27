export * from './honour.rules.js';
export * from './honours.service.js';
export * from './ports.js';
