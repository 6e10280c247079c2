// SCIM's own error vocabulary (RFC 7644 §3.12): an HTTP status plus, for 400/409/413, a `scimType`.
// Protocol code throws these; the SCIM router renders them in the SCIM error schema. `message`
// is shown to the client (the `detail` member of the SCIM error), `detail` goes to the log only.
import { GatewayError, type GatewayErrorOptions } from '../errors.js';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  /** RFC 9865. */
  | 'invalidCursor';

export type ScimStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 500 | 501;

export class ScimError extends GatewayError {
  readonly status: ScimStatus;
  readonly scimType: ScimType | undefined;
  constructor(status: ScimStatus, scimType: ScimType | undefined, message: string, options: GatewayErrorOptions = {}) {
    super(message, scimType ? `scim_${scimType}` : `scim_${status}`, options);
    this.status = status;
    this.scimType = scimType;
  }
}

/** 400 with a scimType: the request is malformed in a way the client can fix. */
export function badRequest(scimType: ScimType, message: string, options?: GatewayErrorOptions): ScimError {
  return new ScimError(400, scimType, message, options);
}
