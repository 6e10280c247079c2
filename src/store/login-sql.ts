// The sign-in path's own rows in plain SQL over the shared pool (a login touches each once or
// twice): login attempts, SAML assertion replay records and profiles. Same tables and semantics as
// the Prisma repositories, which keep everything off the hot path. Each statement is a named
// prepared statement (prepared.ts): planning the larger ones cost more than running them.
import type pg from 'pg';
import { newId } from './ids.js';
import { NotFound } from '../errors.js';
import { prepared } from './prepared.js';
import { APPEND_WITH_AUDIT, auditAndEventsValues } from './outbox-order.js';
import type { OutboxRepository } from './webhook-data.js';
import type { Application, ConnectionRecord, LoginAttemptRecord, ProfileRecord } from './records.js';
import type { ApplicationRepository, ConnectionRepository, LoginAttemptRepository, ProfileRepository, SamlAssertionRepository } from './store.js';

export const PROFILE_COLUMNS = `id, organization_id AS "organizationId", connection_id AS "connectionId", connection_type AS "connectionType", idp_id AS "idpId", email,
  email_verified AS "emailVerified", first_name AS "firstName", last_name AS "lastName", name, groups, roles, custom_attributes AS "customAttributes",
  raw_attributes AS "rawAttributes", directory_user_id AS "directoryUserId", first_login_at AS "firstLoginAt", last_login_at AS "lastLoginAt"`;

const ATTEMPT_COLUMNS = `id, organization_id AS "organizationId", connection_id AS "connectionId", interaction_uid AS "interactionUid", stash, created_at AS "createdAt", expires_at AS "expiresAt"`;

export function loginAttemptSql(pool: pg.Pool): Pick<LoginAttemptRepository, 'create' | 'consume' | 'peek'> {
  return {
    async create(a) {
      const { rows } = await pool.query<LoginAttemptRecord>(
        prepared(
          `INSERT INTO login_attempts (id, organization_id, connection_id, interaction_uid, stash, expires_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${ATTEMPT_COLUMNS}`,
          [a.id, a.organizationId, a.connectionId, a.interactionUid, JSON.stringify(a.stash), a.expiresAt],
        ),
      );
      return rows[0]!;
    },
    // Get-and-delete: of two concurrent consumers only one gets the row.
    consume: async (id) => (await pool.query<LoginAttemptRecord>(prepared(`DELETE FROM login_attempts WHERE id = $1 RETURNING ${ATTEMPT_COLUMNS}`, [id]))).rows[0],
    peek: async (id) => (await pool.query<LoginAttemptRecord>(prepared(`SELECT ${ATTEMPT_COLUMNS} FROM login_attempts WHERE id = $1`, [id]))).rows[0],
  };
}

const CONNECTION_COLUMNS = `c.id, c.organization_id AS "organizationId", c.type, c.name, c.preset, c.status, c.config, c.attribute_mapping AS "attributeMapping",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

/** A connection read on the sign-in path (in plain SQL like the rest of it). */
export function connectionSql(pool: pg.Pool): Pick<ConnectionRepository, 'get'> {
  return {
    async get(id) {
      const { rows } = await pool.query<ConnectionRecord>(prepared(`SELECT ${CONNECTION_COLUMNS} FROM connections c WHERE c.id = $1`, [id]));
      if (!rows[0]) throw new NotFound('connection not found');
      return rows[0];
    },
  };
}

export interface ApplicationRow extends Omit<Application, 'secrets' | 'createdAt' | 'updatedAt'> {
  createdAt: Date | string;
  updatedAt: Date | string;
  secrets: Array<{ id: string; prefix: string; secretHash: string; createdAt: string; expiresAt: string | null }>;
}

/** An application with its secrets as one row (`a` is applications); `${APPLICATION_SELECT} WHERE ...`. */
export const APPLICATION_SELECT = `SELECT a.id, a.client_id AS "clientId", a.name, a.organization_id AS "organizationId", a.token_endpoint_auth_method AS "tokenEndpointAuthMethod",
                  a.redirect_uris AS "redirectUris", a.post_logout_redirect_uris AS "postLogoutRedirectUris", a.initiate_login_uri AS "initiateLoginUri",
                  a.id_token_signed_response_alg AS "idTokenSignedResponseAlg", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
                  COALESCE((SELECT json_agg(json_build_object('id', s.id, 'prefix', s.prefix, 'secretHash', s.secret_hash, 'createdAt', s.created_at, 'expiresAt', s.expires_at) ORDER BY s.id DESC)
                              FROM application_secrets s WHERE s.application_id = a.id), '[]') AS secrets
             FROM applications a`;

/** Its row as read (timestamps as Dates) or as JSON (as ISO strings: row_to_json). */
export function toApplication(row: ApplicationRow): Application {
  const secrets = row.secrets.map((x) => ({ id: x.id, prefix: x.prefix, secretHash: x.secretHash, createdAt: new Date(x.createdAt), expiresAt: x.expiresAt === null ? null : new Date(x.expiresAt) }));
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt), secrets };
}

/** oidc-provider looks its client up on every authorize and token request: one statement, secrets included. */
export function applicationSql(pool: pg.Pool): Pick<ApplicationRepository, 'findByClientId'> {
  return {
    async findByClientId(clientId) {
      const { rows } = await pool.query<ApplicationRow>(prepared(`${APPLICATION_SELECT} WHERE a.client_id = $1`, [clientId]));
      return rows[0] && toApplication(rows[0]);
    },
  };
}

export function samlAssertionSql(pool: pg.Pool): Pick<SamlAssertionRepository, 'recordUse'> {
  return {
    // The primary key decides between concurrent posts of one assertion, on any number of nodes.
    recordUse: async (connectionId, assertionId, expiresAt) =>
      (await pool.query(prepared('INSERT INTO saml_assertion_uses (connection_id, assertion_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [connectionId, assertionId, expiresAt]))).rowCount === 1,
  };
}

export const PROFILE_INSERT = `INSERT INTO profiles (id, organization_id, connection_id, connection_type, idp_id, email, email_verified, first_name, last_name, name, groups, roles,
           custom_attributes, raw_attributes, directory_user_id, first_login_at, last_login_at)`;

// A profile's id never changes; everything else is what the latest login said.
export const PROFILE_REFRESH = `ON CONFLICT (connection_id, idp_id) DO UPDATE SET organization_id = EXCLUDED.organization_id, connection_type = EXCLUDED.connection_type,
           email = EXCLUDED.email, email_verified = EXCLUDED.email_verified, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, name = EXCLUDED.name,
           groups = EXCLUDED.groups, roles = EXCLUDED.roles, custom_attributes = EXCLUDED.custom_attributes, raw_attributes = EXCLUDED.raw_attributes,
           directory_user_id = EXCLUDED.directory_user_id, last_login_at = EXCLUDED.last_login_at`;

export function profileSql(pool: pg.Pool): ProfileRepository {
  return {
    async recordLogin(p, at) {
      const { rows } = await pool.query<ProfileRecord>(
        prepared(
          `${PROFILE_INSERT}
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12::text[], $13::jsonb, $14::jsonb, $15, $16, $16)
           ${PROFILE_REFRESH}
           RETURNING ${PROFILE_COLUMNS}`,
          [newId('prof'), p.organizationId, p.connectionId, p.connectionType, p.idpId, p.email, p.emailVerified, p.firstName, p.lastName, p.name, p.groups, p.roles,
            JSON.stringify(p.customAttributes), JSON.stringify(p.rawAttributes), p.directoryUserId, at],
        ),
      );
      return rows[0]!;
    },
    find: async (id) => (await pool.query<ProfileRecord>(prepared(`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE id = $1`, [id]))).rows[0],
  };
}


/** A sign-in's audit entry and event, one statement on the pool (see APPEND_WITH_AUDIT). */
export function outboxSql(pool: pg.Pool, appended: () => void): Pick<OutboxRepository, 'appendWithAudit'> {
  return {
    async appendWithAudit(events, audit) {
      await pool.query(prepared(APPEND_WITH_AUDIT, auditAndEventsValues(events, audit)));
      if (events.length > 0) appended();
    },
  };
}
