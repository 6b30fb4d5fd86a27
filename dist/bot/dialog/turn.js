export const reply = (...bodies) => ({ replies: bodies.map((body) => ({ body })) });
//# sourceMappingURL=turn.js.map