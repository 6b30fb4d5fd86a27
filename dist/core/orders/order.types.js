export {};
//# sourceMappingURL=order.types.js.map