import type { Prisma } from '../generated/client.js';
import { newId } from '../ids.js';
import { guard } from '../prisma-errors.js';
import type { Organization } from '../records.js';
import type { OrganizationRepository } from '../store.js';
import type { Db } from './db.js';
import { pageQuery, toPage } from './pagination.js';

const withDomains = { domains: { orderBy: { domain: 'asc' } } } satisfies Prisma.OrganizationInclude;
type Row = Prisma.OrganizationGetPayload<{ include: typeof withDomains }>;

function toOrganization(row: Row): Organization {
  return {
    id: row.id,
    name: row.name,
    domains: row.domains.map((d) => d.domain),
    externalId: row.externalId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function domainRows(domains: string[]) {
  return domains.map((domain) => ({ id: newId('org_domain'), domain }));
}

export function organizationRepository(db: Db): OrganizationRepository {
  return {
    create: (input) =>
      guard('organization', async () =>
        toOrganization(
          await db.organization.create({
            data: {
              id: newId('org'),
              name: input.name,
              externalId: input.externalId,
              domains: { create: domainRows(input.domains) },
            },
            include: withDomains,
          }),
        ),
      ),

    get: (id) =>
      guard('organization', async () =>
        toOrganization(await db.organization.findUniqueOrThrow({ where: { id }, include: withDomains })),
      ),

    list: (page) =>
      guard('organization', async () => {
        const query = pageQuery(page);
        const where = { ...query.where, ...(page.onlyId === undefined ? {} : { id: { ...query.where?.id, equals: page.onlyId } }) };
        const rows = await db.organization.findMany({ ...query, where, include: withDomains });
        return toPage(rows, page, toOrganization);
      }),

    update: (id, patch) =>
      guard('organization', async () => {
        const domains = patch.domains === undefined ? undefined : { deleteMany: {}, create: domainRows(patch.domains) };
        const row = await db.organization.update({
          where: { id },
          data: {
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.externalId === undefined ? {} : { externalId: patch.externalId }),
            ...(domains === undefined ? {} : { domains }),
          },
          include: withDomains,
        });
        return toOrganization(row);
      }),

    findByDomain: async (domain) => {
      const row = await db.organizationDomain.findUnique({ where: { domain }, select: { organization: { include: withDomains } } });
      return row ? toOrganization(row.organization) : undefined;
    },

    delete: (id) =>
      guard('organization', async () => {
        await db.organization.delete({ where: { id } });
      }),
  };
}
