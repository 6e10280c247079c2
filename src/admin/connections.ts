// Connections: how an organization's users sign in. The config is validated by the connector
// type's own schema, its secret fields are sealed at rest, and status changes are recorded as
// connection.activated / connection.deactivated (the lifecycle events issue hooks in there).
import { z } from 'zod';
import { InvalidRequest } from '../errors.js';
import type { ConnectorRegistry, ConnectorType, PresetRegistry } from '../sso/connector.js';
import type { SecretBox } from '../store/encryption.js';
import type { ConnectionRecord, ConnectionStatus, Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import { auditEntry, audited } from './audit.js';
import { maskSecrets, mergeConfig, openSecrets, sealSecrets } from '../store/connection-secrets.js';
import { requireReach, type AdminContext } from './context.js';
import type { ListParams } from './list-params.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';

const STATUSES = ['draft', 'active', 'inactive'] as const;

const attributeMapping = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case claim name'), z.string().min(1).max(256))
  .refine((m) => Object.keys(m).length <= 50, 'must map at most 50 claims');

const common = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  status: z.enum(STATUSES),
  config: z.record(z.string(), z.unknown()),
  attribute_mapping: attributeMapping,
};

export interface ConnectionView {
  connection: ConnectionRecord;
  /** Config with secret fields masked: what the admin API shows. */
  config: Record<string, unknown>;
}

export function connectionService(store: Store, registry: ConnectorRegistry, box: SecretBox, presets: PresetRegistry) {
  const preset = z.enum(Object.keys(presets) as [string, ...string[]]).nullable();
  const createSchema = z.strictObject({
    ...common,
    type: z.enum(Object.keys(registry) as [string, ...string[]]),
    preset: preset.default(null),
    status: common.status.default('draft'),
    attribute_mapping: attributeMapping.default({}),
  });
  const updateSchema = z.strictObject({ ...common, preset }).partial();

  const typeOf = (type: string): ConnectorType<unknown> => {
    const found = registry[type];
    if (!found) throw new InvalidRequest(`Connection type ${type} is not enabled on this gateway`, { code: 'unknown_connection_type' });
    return found;
  };
  const reachable = async (ctx: AdminContext, id: string) => {
    const connection = await store.connections.get(id);
    requireReach(ctx, connection.organizationId, 'connection');
    return connection;
  };
  const view = (connection: ConnectionRecord): ConnectionView => ({
    connection,
    config: maskSecrets(typeOf(connection.type).secretFields, connection.config),
  });
  /** The connector type's parse of a whole config, sealed for storage. */
  const prepare = (type: ConnectorType<unknown>, organizationId: string, config: unknown) => {
    const parsed = parseInput(type.configSchema, config, 'connection config', ['config']) as Record<string, unknown>;
    return sealSecrets(box, organizationId, type.secretFields, parsed);
  };
  const statusAction = (from: ConnectionStatus | undefined, to: ConnectionStatus) =>
    to === 'active' && from !== 'active' ? 'connection.activated' : from === 'active' && to !== 'active' ? 'connection.deactivated' : undefined;

  return {
    async create(ctx: AdminContext, organizationId: string, input: unknown): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:write');
      requireReach(ctx, organizationId, 'organization');
      const body = parseInput(createSchema, input);
      const type = typeOf(body.type);
      const config = prepare(type, organizationId, body.config);
      const what = { action: 'connection.created', targetType: 'connection', organizationId };
      const connection = await audited(store, ctx, what, async (tx) => {
        await tx.organizations.get(organizationId);
        const created = await tx.connections.create({
          organizationId,
          type: type.type,
          name: body.name,
          preset: body.preset,
          status: body.status,
          config,
          attributeMapping: body.attribute_mapping,
        });
        return { value: created, targetId: created.id, metadata: { type: created.type, status: created.status } };
      });
      return view(connection);
    },

    async get(ctx: AdminContext, id: string): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:read');
      return view(await reachable(ctx, id));
    },

    async list(ctx: AdminContext, organizationId: string, params: ListParams): Promise<Page<ConnectionView>> {
      requireScope(ctx.actor.scopes, 'connections:read');
      requireReach(ctx, organizationId, 'organization');
      await store.organizations.get(organizationId);
      const page = await store.connections.list({ ...params, organizationId });
      return { data: page.data.map(view), after: page.after };
    },

    async update(ctx: AdminContext, id: string, input: unknown): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:write');
      const current = await reachable(ctx, id);
      const body = parseInput(updateSchema, input);
      const type = typeOf(current.type);
      const config =
        body.config === undefined
          ? undefined
          : prepare(type, current.organizationId, mergeConfig(openSecrets(box, current.organizationId, type.secretFields, current.config), body.config, type.secretFields));
      const changed = body.status === undefined ? undefined : statusAction(current.status, body.status);
      const what = { action: 'connection.updated', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      const connection = await audited(store, ctx, what, async (tx) => {
        const patch = { name: body.name, preset: body.preset, status: body.status, config, attributeMapping: body.attribute_mapping };
        const updated = await tx.connections.update(id, patch);
        if (changed) await tx.auditLogs.append(statusEntry(ctx, changed, updated));
        return { value: updated, metadata: { changed: Object.keys(body) } };
      });
      return view(connection);
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'connections:write');
      const current = await reachable(ctx, id);
      const what = { action: 'connection.deleted', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      await audited(store, ctx, what, async (tx) => ({ value: await tx.connections.delete(id) }));
    },
  };
}

/** The hook point for connection.activated / connection.deactivated lifecycle events. */
function statusEntry(ctx: AdminContext, action: string, connection: ConnectionRecord) {
  const what = { action, targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
  return auditEntry(ctx, what, 'success', { metadata: { status: connection.status } });
}

export type ConnectionService = ReturnType<typeof connectionService>;
