export {};
//# sourceMappingURL=notifier.port.js.map