// The persistence port of the setup portal: setup links and the results of test sign-ins.
export type SetupIntent = 'sso' | 'dsync';

export interface SetupLinkRecord {
  id: string;
  organizationId: string;
  intents: SetupIntent[];
  prefix: string;
  secretHash: string;
  /** Reserved for the connection the portal creates, so its SP URLs can be shown first. */
  connectionId: string;
  directoryId: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export type SetupLinkInput = Omit<SetupLinkRecord, 'id' | 'directoryId' | 'revokedAt' | 'lastUsedAt' | 'createdAt'>;

export interface SetupLinkRepository {
  create(input: SetupLinkInput): Promise<SetupLinkRecord>;
  /** Throws NotFound. */
  get(id: string): Promise<SetupLinkRecord>;
  findByPrefix(prefix: string): Promise<SetupLinkRecord | undefined>;
  list(organizationId: string, page: { limit: number; after?: string | undefined }): Promise<{ data: SetupLinkRecord[]; after: string | null }>;
  /** Idempotent: the first revocation time is kept. Throws NotFound. */
  revoke(id: string, at: Date): Promise<SetupLinkRecord>;
  touch(id: string, at: Date): Promise<void>;
  setDirectory(id: string, directoryId: string): Promise<void>;
}

export interface ConnectionTestRecord {
  id: string;
  connectionId: string;
  setupLinkId: string | null;
  outcome: 'succeeded' | 'failed';
  /** The normalized profile Gatehouse would issue (succeeded). */
  profile: Record<string, unknown> | null;
  rawAttributes: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorDetail: string | null;
  createdAt: Date;
}

export interface ConnectionTestRepository {
  create(input: Omit<ConnectionTestRecord, 'id' | 'createdAt'>): Promise<ConnectionTestRecord>;
  /** Throws NotFound. */
  get(id: string): Promise<ConnectionTestRecord>;
  latest(connectionId: string): Promise<ConnectionTestRecord | undefined>;
}
