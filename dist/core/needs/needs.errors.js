import { DomainError } from '../common/errors.js';
/** A coded error of the needs capability; the reply layer turns it into Chinese. */
export class NeedError extends DomainError {
    code;
    constructor(code, message, details = {}) {
        super(code, message, details);
        this.code = code;
        this.name = 'NeedError';
    }
}
//# sourceMappingURL=needs.errors.js.map