export * from './contact-log.service.js';
export * from './contacts.errors.js';
export * from './contacts.types.js';
export * from './ports.js';
export * from './cadence.js';
export * from './cadence.service.js';
export * from './portfolio.js';
export * from './portfolio.service.js';
