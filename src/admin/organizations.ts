// Organizations: the tenants. Every verb checks the caller's scope; an organization-scoped key
// sees only its own organization, and anything else is a 404, as if it did not exist.
import { z } from 'zod';
import { Forbidden } from '../errors.js';
import type { Organization, Page } from '../store/records.js';
import type { Store } from '../store/store.js';
import { audited } from './audit.js';
import { requireReach, type AdminContext } from './context.js';
import { requireScope } from './scopes.js';
import { parseInput } from './validation.js';
import type { ListParams } from './list-params.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/\.$/, ''))
  .refine((d) => d.length <= 253 && d.includes('.') && d.split('.').every((l) => LABEL.test(l)) && !/^[0-9.]+$/.test(d), {
    message: 'must be a domain name such as example.com',
  });

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  domains: z
    .array(domain)
    .max(100)
    .transform((list) => [...new Set(list)]),
  external_id: z.string().trim().min(1).max(200).nullable(),
};

const createSchema = z.strictObject({ ...fields, domains: fields.domains.default([]), external_id: fields.external_id.default(null) });
const updateSchema = z.strictObject(fields).partial();

export function organizationService(store: Store) {
  const reach = (ctx: AdminContext, id: string) => requireReach(ctx, id, 'organization');

  return {
    async create(ctx: AdminContext, input: unknown): Promise<Organization> {
      requireScope(ctx.actor.scopes, 'organizations:write');
      if (ctx.actor.organizationId !== null) throw new Forbidden('An organization-scoped key cannot create organizations');
      const body = parseInput(createSchema, input);
      return audited(store, ctx, { action: 'organization.created', targetType: 'organization' }, async (tx) => {
        const org = await tx.organizations.create({ name: body.name, domains: body.domains, externalId: body.external_id });
        return { value: org, targetId: org.id, organizationId: org.id, metadata: { name: org.name, domains: org.domains } };
      });
    },

    async get(ctx: AdminContext, id: string): Promise<Organization> {
      requireScope(ctx.actor.scopes, 'organizations:read');
      reach(ctx, id);
      return store.organizations.get(id);
    },

    async list(ctx: AdminContext, params: ListParams): Promise<Page<Organization>> {
      requireScope(ctx.actor.scopes, 'organizations:read');
      return store.organizations.list({ ...params, onlyId: ctx.actor.organizationId ?? undefined });
    },

    async update(ctx: AdminContext, id: string, input: unknown): Promise<Organization> {
      requireScope(ctx.actor.scopes, 'organizations:write');
      reach(ctx, id);
      const body = parseInput(updateSchema, input);
      const what = { action: 'organization.updated', targetType: 'organization', targetId: id, organizationId: id };
      return audited(store, ctx, what, async (tx) => {
        const patch = { name: body.name, domains: body.domains, externalId: body.external_id };
        const org = await tx.organizations.update(id, patch);
        return { value: org, metadata: { changed: Object.keys(body) } };
      });
    },

    async delete(ctx: AdminContext, id: string): Promise<void> {
      requireScope(ctx.actor.scopes, 'organizations:write');
      reach(ctx, id);
      const what = { action: 'organization.deleted', targetType: 'organization', targetId: id, organizationId: id };
      try {
        await audited(store, ctx, what, async (tx) => ({ value: await tx.organizations.delete(id) }));
      } finally {
        // Its directories' SCIM tokens went with it (a cascade): forget any this process remembers.
        store.tokenChanges.changed(null);
      }
    },
  };
}

export type OrganizationService = ReturnType<typeof organizationService>;
