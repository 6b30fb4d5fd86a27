export * from './activation.js';
export * from './anomalies.js';
export * from './calendar.js';
export * from './care.messages.js';
export * from './quiet-hours.js';
export * from './replenishment.js';
export * from './success-case.js';
//# sourceMappingURL=index.js.map