import { DomainError } from '../common/errors.js';

export type CampaignErrorCode =
  | 'CAMPAIGN.INVALID'
  | 'CAMPAIGN.NOT_FOUND'
  | 'CAMPAIGN.DEALER_NOT_FOUND'
  | 'CAMPAIGN.MANAGER_NOT_FOUND';

/** A coded error of joint campaigns; the reply layer or the HTTP error handler words it. */
export class CampaignError extends DomainError {
  constructor(
    readonly code: CampaignErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'CampaignError';
  }
}
