export {};
//# sourceMappingURL=catalog.types.js.map