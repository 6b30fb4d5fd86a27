/**
 * A coded domain error: core throws these, the edge turns them into dealer-facing Chinese or HTTP statuses.
 * `details` carries the values the message needs (never secrets).
 */
export class DomainError extends Error {
    code;
    details;
    constructor(code, message, details = {}) {
        super(message);
        this.code = code;
        this.details = details;
        this.name = 'DomainError';
    }
}
//# sourceMappingURL=errors.js.map