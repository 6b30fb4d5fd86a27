export * from './course-match.js';
