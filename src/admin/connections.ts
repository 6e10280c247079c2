// Connections: how an organization's users sign in. The config is validated by the connector
// type's own schema, its secret fields are sealed at rest, and status changes are recorded as
// connection.activated / connection.deactivated (the lifecycle events issue hooks in there).
import { z } from 'zod';
import { InvalidRequest } from '../errors.js';
import type { ConfigDescription, ConnectorRegistry, ConnectorType, GatewayDeps, PresetRegistry } from '../sso/connector.js';
import type { SecretBox } from '../store/encryption.js';
import type { ConnectionRecord, ConnectionStatus, Page } from '../store/records.js';
import { newId } from '../store/ids.js';
import type { Repositories, Store } from '../store/store.js';
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
  /** Derived values the connector kind shows beside it (SAML: ACS URL, SP entity ID, certificate expiry). */
  described: ConfigDescription;
}

export interface ConnectionServiceDeps {
  registry: ConnectorRegistry;
  presets: PresetRegistry;
  secretBox: SecretBox;
  /** What connector kinds need to complete a config: clock, public URL, guarded fetch. */
  gateway: GatewayDeps;
}

export function connectionService(store: Store, { registry, secretBox: box, presets, gateway }: ConnectionServiceDeps) {
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
  const opened = (type: ConnectorType<unknown>, connection: ConnectionRecord) =>
    type.configSchema.parse(openSecrets(box, connection.organizationId, type.secretFields, connection.config));
  const view = (connection: ConnectionRecord): ConnectionView => {
    const type = typeOf(connection.type);
    const described = type.describe ? type.describe(opened(type, connection), { ...gateway, connectionId: connection.id }) : {};
    return { connection, config: maskSecrets(type.secretFields, connection.config), described };
  };
  const seal = (type: ConnectorType<unknown>, organizationId: string, config: unknown) =>
    sealSecrets(box, organizationId, type.secretFields, config as Record<string, unknown>);
  /** The connector type's parse and completion of a whole config, sealed for storage. */
  const prepare = async (type: ConnectorType<unknown>, organizationId: string, config: unknown, previous?: ConnectionRecord, refresh = false) => {
    const parsed = parseInput(type.configSchema, config, 'connection config', ['config']);
    const completed = type.prepare ? await type.prepare(parsed, previous && opened(type, previous), gateway, { refresh }) : parsed;
    return seal(type, organizationId, completed);
  };
  const statusAction = (from: ConnectionStatus | undefined, to: ConnectionStatus) =>
    to === 'active' && from !== 'active' ? 'connection.activated' : from === 'active' && to !== 'active' ? 'connection.deactivated' : undefined;

  return {
    /** `options.id`: the id a setup link reserved (its SP URLs were shown before the IdP was configured). */
    async create(ctx: AdminContext, organizationId: string, input: unknown, options: { id?: string } = {}): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:write');
      requireReach(ctx, organizationId, 'organization');
      const body = parseInput(createSchema, liftTypedConfig(input, undefined));
      const type = typeOf(body.type);
      const config = await prepare(type, organizationId, body.config);
      const what = { action: 'connection.created', targetType: 'connection', organizationId };
      const connection = await audited(store, ctx, what, async (tx) => {
        await tx.organizations.get(organizationId);
        const created = await tx.connections.create({
          ...(options.id === undefined ? {} : { id: options.id }),
          organizationId,
          type: type.type,
          name: body.name,
          preset: body.preset,
          status: body.status,
          config,
          attributeMapping: body.attribute_mapping,
        });
        const activated = statusAction(undefined, created.status);
        if (activated) await recordStatusChange(tx, ctx, activated, created, undefined);
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
      const body = parseInput(updateSchema, liftTypedConfig(input, current.type));
      const type = typeOf(current.type);
      const config =
        body.config === undefined
          ? undefined
          : await prepare(type, current.organizationId, mergeConfig(openSecrets(box, current.organizationId, type.secretFields, current.config), body.config, type.secretFields), current);
      const changed = body.status === undefined ? undefined : statusAction(current.status, body.status);
      const what = { action: 'connection.updated', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      const connection = await audited(store, ctx, what, async (tx) => {
        const patch = { name: body.name, preset: body.preset, status: body.status, config, attributeMapping: body.attribute_mapping };
        const updated = await tx.connections.update(id, patch);
        if (changed) await recordStatusChange(tx, ctx, changed, updated, current.status);
        return { value: updated, metadata: { changed: Object.keys(body) } };
      });
      return view(connection);
    },

    /** Key rotation step for kinds that own a key pair: `stage` publishes the next key, `activate` switches to it. */
    async rotateKeys(ctx: AdminContext, id: string, step: 'stage' | 'activate'): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:write');
      const current = await reachable(ctx, id);
      const type = typeOf(current.type);
      if (!type.keyRotation) throw new InvalidRequest(`Connections of type ${type.type} have no keys to rotate`, { code: 'no_keys_to_rotate' });
      const config = opened(type, current);
      const next = step === 'stage' ? type.keyRotation.stage(config, gateway) : type.keyRotation.activate(config);
      const what = { action: step === 'stage' ? 'connection.sp_key_staged' : 'connection.sp_key_activated', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      const connection = await audited(store, ctx, what, async (tx) => ({ value: await tx.connections.update(id, { config: seal(type, current.organizationId, next) }) }));
      return view(connection);
    },

    /**
     * Re-resolves what a config points at (IdP metadata URLs) and stores it when it changed, with an
     * audit entry naming what changed. Returns whether anything did.
     */
    async refresh(ctx: AdminContext, id: string): Promise<{ changed: string[] }> {
      const current = await store.connections.get(id);
      requireReach(ctx, current.organizationId, 'connection');
      const type = typeOf(current.type);
      if (!type.prepare) return { changed: [] };
      const before = opened(type, current) as Record<string, unknown>;
      const after = (await type.prepare(before, before, gateway, { refresh: true })) as Record<string, unknown>;
      const changed = changedFields(before, after);
      if (changed.length === 0) return { changed };
      const what = { action: 'connection.config_refreshed', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      await audited(store, ctx, what, async (tx) => ({ value: await tx.connections.update(id, { config: seal(type, current.organizationId, after) }), metadata: { changed } }));
      return { changed };
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'connections:write');
      const current = await reachable(ctx, id);
      const what = { action: 'connection.deleted', targetType: 'connection', targetId: id, organizationId: current.organizationId };
      await audited(store, ctx, what, async (tx) => {
        await tx.connections.delete(id);
        // Products hear that an active connection stopped signing people in, whatever the reason.
        if (current.status === 'active') await recordStatusChange(tx, ctx, 'connection.deactivated', { ...current, status: 'inactive' }, current.status);
        return { value: undefined };
      });
    },
  };
}

/**
 * The config may be sent as `config` or under the type's own name (`"saml": {...}`, as the API
 * shows it); the second form becomes the first. Both at once is ambiguous and refused.
 */
function liftTypedConfig(input: unknown, currentType: string | undefined): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const body = input as Record<string, unknown>;
  const type = currentType ?? (typeof body.type === 'string' ? body.type : undefined);
  if (type === undefined || type === 'type' || !(type in body)) return input;
  if ('config' in body) throw new InvalidRequest(`Send the configuration as "${type}" or as "config", not both`, { code: 'invalid_request' });
  const { [type]: config, ...rest } = body;
  return { ...rest, config };
}

/** Dotted paths of the (nested) fields whose values differ, ignoring timestamps of the fetch itself. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) => {
    const [a, b] = [before[key], after[key]];
    if (key === 'fetched_at') return [];
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b)) return changedFields(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`);
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${prefix}${key}`];
  });
}

/** The audit entry and the connection.activated / connection.deactivated event, in the change's transaction (event last: it takes the outbox lock). */
async function recordStatusChange(tx: Repositories, ctx: AdminContext, action: 'connection.activated' | 'connection.deactivated', connection: ConnectionRecord, previous: ConnectionStatus | undefined) {
  const what = { action, targetType: 'connection', targetId: connection.id, organizationId: connection.organizationId };
  await tx.auditLogs.append(auditEntry(ctx, what, 'success', { metadata: { status: connection.status } }));
  const data = { id: connection.id, organization_id: connection.organizationId, type: connection.type, name: connection.name, status: connection.status, previous_status: previous ?? null };
  await tx.outbox.append([{ id: newId('evt'), type: action, organizationId: connection.organizationId, directoryId: null, occurredAt: new Date(), data }]);
}

export type ConnectionService = ReturnType<typeof connectionService>;
