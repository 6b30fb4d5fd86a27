export * from './campaign.rules.js';
export * from './campaign.service.js';
export * from './campaigns.errors.js';
export * from './campaigns.types.js';
export * from './ports.js';
