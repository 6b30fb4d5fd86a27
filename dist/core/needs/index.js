export * from './needs.errors.js';
export * from './needs.service.js';
export * from './needs.types.js';
export * from './ports.js';
export * from './sla.js';
//# sourceMappingURL=index.js.map