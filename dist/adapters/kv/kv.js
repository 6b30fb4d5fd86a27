export {};
//# sourceMappingURL=kv.js.map