export {};
//# sourceMappingURL=job.types.js.map