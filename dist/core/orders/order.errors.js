import { DomainError } from '../common/errors.js';
/** A coded error of the orders capability; `details` carries what the dealer-facing message needs. */
export class OrderError extends DomainError {
    code;
    constructor(code, message, details = {}) {
        super(code, message, details);
        this.code = code;
        this.name = 'OrderError';
    }
}
//# sourceMappingURL=order.errors.js.map