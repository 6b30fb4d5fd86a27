export * from './outcomes.js';
export type * from './ports.js';
export * from './session.rules.js';
export * from './viewer.js';
