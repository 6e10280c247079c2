// Any error raised while serving SCIM, in SCIM's error schema (RFC 7644 §3.12): `status` is a
// string, `scimType` where the RFC defines one. Clients see `detail`; internals stay in the log.
import { Conflict, GatewayError, InvalidRequest, NotFound, PreconditionFailed } from '../errors.js';
import { ScimError } from './errors.js';
import { URN } from './resources/schemas.js';

/** Our other errors, said in SCIM terms (e.g. a userName clash is 409 uniqueness). */
export function asScimError(error: GatewayError): ScimError {
  if (error instanceof ScimError) return error;
  const options = { detail: error.detail, cause: error };
  if (error instanceof NotFound) return new ScimError(404, undefined, error.message, options);
  if (error instanceof Conflict) return new ScimError(409, 'uniqueness', error.message, options);
  if (error instanceof PreconditionFailed) return new ScimError(412, undefined, 'The resource changed: its version does not match If-Match', options);
  if (error instanceof InvalidRequest) {
    if (error.status === 413) return new ScimError(413, undefined, error.message, options);
    if (error.status === 415) return new ScimError(415, undefined, error.message, options);
    const scimType = error.code === 'malformed_json' ? 'invalidSyntax' : 'invalidValue';
    return new ScimError(400, scimType, error.message, options);
  }
  if (error.status === 401) return new ScimError(401, undefined, error.message, options);
  if (error.status === 403) return new ScimError(403, undefined, error.message, options);
  return new ScimError(500, undefined, 'An internal error occurred', options);
}

export function scimErrorBody(error: ScimError) {
  const message = error.expose ? error.message : 'An internal error occurred';
  return { schemas: [URN.error], status: String(error.status), ...(error.scimType ? { scimType: error.scimType } : {}), detail: message };
}
