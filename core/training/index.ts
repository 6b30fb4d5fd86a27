export * from './ports.js';
export * from './training.rules.js';
export * from './training.service.js';
export * from './training.types.js';
