export * from './insights.errors.js';
export * from './insights.types.js';
export * from './ports.js';
export * from './regional.js';
export * from './trend-insights.service.js';
export * from './sales.service.js';
export * from './trends.service.js';
export * from './windows.js';
