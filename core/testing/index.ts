/** In-memory fakes of core's ports, for unit specs beside the services (no database). Not shipped in dist/. */
export * from './catalog.js';
export * from './clock.js';
export * from './notifier.js';
export * from './orders.js';
export * from './stock.js';
export * from './insights.fakes.js';
export * from './needs.fakes.js';
export * from './policies.fakes.js';
