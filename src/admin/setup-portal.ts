// What the setup portal does for a customer's IT admin, acting as the setup link (confined to its
// organization and its intents): save the IdP's details into the link's connection, activate it
// once a test sign-in succeeded (or on an explicit override), create the SCIM directory, and read
// the status pages' data. Every change goes through the admin services, so it is validated and
// audited as the setup link.
import { Conflict, InvalidRequest, NotFound } from '../errors.js';
import type { PresetRegistry } from '../sso/connector.js';
import { DIRECTORY_PROVIDERS, type ConnectionRecord, type DirectoryProvider } from '../store/records.js';
import type { SetupLinkRecord } from '../store/setup-data.js';
import type { Store } from '../store/store.js';
import type { ConnectionService, ConnectionView } from './connections.js';
import type { AdminContext } from './context.js';
import type { DirectoryService, IssuedDirectory } from './directories.js';
import { requireScope } from './scopes.js';

export interface SsoDetails {
  metadata_url?: string | undefined;
  metadata_xml?: string | undefined;
  issuer?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
}

export interface SetupPortalDeps {
  store: Store;
  connections: ConnectionService;
  directories: DirectoryService;
  presets: PresetRegistry;
}

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** The one way the admin gave the IdP (URL, file or paste); giving none or two is a field error. */
function samlConfig(details: SsoDetails): Record<string, unknown> {
  const given = [!blank(details.metadata_url) && 'metadata_url', !blank(details.metadata_xml) && 'metadata_xml'].filter(Boolean);
  if (given.length !== 1) {
    const message = given.length === 0 ? 'Give your identity provider’s metadata: its URL, the file, or the XML pasted here.' : 'Give the metadata one way only: a URL or the XML, not both.';
    throw new InvalidRequest(message, { code: 'metadata_missing', issues: [{ path: 'config.idp_metadata_xml', message }] });
  }
  return blank(details.metadata_url) ? { idp_metadata_xml: details.metadata_xml!.trim() } : { idp_metadata_url: details.metadata_url!.trim() };
}

function oidcConfig(details: SsoDetails): Record<string, unknown> {
  return { issuer: details.issuer?.trim() ?? '', client_id: details.client_id?.trim() ?? '', ...(blank(details.client_secret) ? {} : { client_secret: details.client_secret!.trim() }) };
}

export function setupPortalService(deps: SetupPortalDeps) {
  const connectionOf = (link: SetupLinkRecord): Promise<ConnectionRecord | undefined> => deps.store.connections.get(link.connectionId).catch((e: unknown) => (e instanceof NotFound ? undefined : Promise.reject(e)));

  return {
    connectionOf,
    protocolOf: (presetName: string) => deps.presets[presetName]?.guide?.sso.protocol,

    /** Creates the link's connection (a draft, with the id its SP URLs were shown for) or updates it. */
    async saveSso(ctx: AdminContext, link: SetupLinkRecord, presetName: string, details: SsoDetails): Promise<ConnectionView> {
      const preset = deps.presets[presetName];
      if (!preset?.guide) throw new NotFound('No such identity provider');
      const type = preset.guide.sso.protocol;
      const config = type === 'saml' ? samlConfig(details) : oidcConfig(details);
      const existing = await connectionOf(link);
      if (existing && existing.type !== type) await deps.connections.delete(ctx, existing.id);
      else if (existing) return deps.connections.update(ctx, existing.id, { preset: presetName, config });
      return deps.connections.create(ctx, link.organizationId, { type, name: `${preset.label} sign-in`, preset: presetName, status: 'draft', config }, { id: link.connectionId });
    },

    /** Live only after a successful test of the current config, unless the admin explicitly overrides. */
    async activate(ctx: AdminContext, link: SetupLinkRecord, override: boolean): Promise<ConnectionView> {
      requireScope(ctx.actor.scopes, 'connections:write');
      const connection = await connectionOf(link);
      if (!connection) throw new NotFound('Set up the connection first');
      const test = await deps.store.connectionTests.latest(connection.id);
      const tested = test?.outcome === 'succeeded' && test.createdAt >= connection.updatedAt;
      if (!tested && !override) throw new Conflict('Run a successful test sign-in first, or confirm that you want to activate without one.', { code: 'connection_untested' });
      return deps.connections.update(ctx, connection.id, { status: 'active' });
    },

    async createDirectory(ctx: AdminContext, link: SetupLinkRecord, presetName: string): Promise<IssuedDirectory> {
      if (link.directoryId) throw new Conflict('This setup link already created a directory; its status is below.', { code: 'directory_exists' });
      const provider: DirectoryProvider = (DIRECTORY_PROVIDERS as readonly string[]).includes(presetName) ? (presetName as DirectoryProvider) : 'generic';
      const label = deps.presets[presetName]?.label ?? 'SCIM';
      const issued = await deps.directories.create(ctx, link.organizationId, { name: `${label} directory`, provider });
      await deps.store.setupLinks.setDirectory(link.id, issued.directory.id);
      return issued;
    },

    directoryStatus: (ctx: AdminContext, link: SetupLinkRecord) => (link.directoryId ? deps.directories.get(ctx, link.directoryId) : Promise.resolve(undefined)),
  };
}

export type SetupPortalService = ReturnType<typeof setupPortalService>;
