// The closed set of errors the gateway raises on purpose. Edges translate them into the protocol's
// own format (admin JSON, SCIM, OAuth, HTML); `message` is what a client may see when `expose` is
// true, `detail` and `cause` go to the log only. Programmer errors stay TypeErrors and are not caught.

export interface GatewayErrorOptions {
  /** Stable snake_case code; each subclass has a default. */
  code?: string;
  /** Internal explanation for the log; never sent to a client. */
  detail?: string;
  cause?: unknown;
}

export abstract class GatewayError extends Error {
  abstract readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  /** Whether `message` may be shown to the client (5xx messages are replaced by a generic one). */
  get expose(): boolean {
    return this.status < 500;
  }

  constructor(message: string, defaultCode: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? defaultCode;
    this.detail = options.detail;
  }
}

export interface Issue {
  path: string;
  message: string;
}

/** The client sent something unacceptable: 400, or 413 (too large) / 415 (wrong media type). */
export class InvalidRequest extends GatewayError {
  readonly status: 400 | 413 | 415;
  /** Field-level problems, shown to the client (e.g. from schema validation). */
  readonly issues: readonly Issue[];
  constructor(message: string, options: GatewayErrorOptions & { issues?: Issue[]; status?: 400 | 413 | 415 } = {}) {
    super(message, 'invalid_request', options);
    this.status = options.status ?? 400;
    this.issues = options.issues ?? [];
  }
}

export class Unauthenticated extends GatewayError {
  readonly status = 401;
  constructor(message = 'Authentication required', options?: GatewayErrorOptions) {
    super(message, 'unauthenticated', options);
  }
}

export class Forbidden extends GatewayError {
  readonly status = 403;
  constructor(message = 'Not allowed', options?: GatewayErrorOptions) {
    super(message, 'forbidden', options);
  }
}

export class NotFound extends GatewayError {
  readonly status = 404;
  constructor(message = 'Not found', options?: GatewayErrorOptions) {
    super(message, 'not_found', options);
  }
}

/** Something that existed and is over for good (an expired or revoked setup link). */
export class Gone extends GatewayError {
  readonly status = 410;
  constructor(message = 'Gone', options?: GatewayErrorOptions) {
    super(message, 'gone', options);
  }
}

export class Conflict extends GatewayError {
  readonly status = 409;
  constructor(message = 'Conflict', options?: GatewayErrorOptions) {
    super(message, 'conflict', options);
  }
}

/** The client's expected version (If-Match) is not the current one. */
export class PreconditionFailed extends GatewayError {
  readonly status = 412;
  constructor(message = 'The resource changed since it was read', options?: GatewayErrorOptions) {
    super(message, 'precondition_failed', options);
  }
}

/** A SAML/OIDC response failed a check; `detail` names the check. */
export class UpstreamRejected extends GatewayError {
  readonly status = 401;
  constructor(message: string, options?: GatewayErrorOptions) {
    super(message, 'upstream_rejected', options);
  }
}

export class UpstreamUnavailable extends GatewayError {
  readonly status = 502;
  constructor(message: string, options?: GatewayErrorOptions) {
    super(message, 'upstream_unavailable', options);
  }
}

/** Startup only: every configuration problem at once. */
export class ConfigInvalid extends GatewayError {
  readonly status = 500;
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'config_invalid');
    this.problems = problems;
  }
}
