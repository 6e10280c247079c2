// Prisma's failures in our error vocabulary: a unique violation is a Conflict naming what clashed,
// a missing row a NotFound. Anything else is not ours to interpret and propagates unchanged.
import { Conflict, NotFound } from '../errors.js';
import { Prisma } from './generated/client.js';

/** Unique index name -> the message and code a client sees. */
const UNIQUE_CONSTRAINTS: Record<string, { code: string; message: string }> = {
  organization_domains_domain_key: { code: 'domain_taken', message: 'A domain is already used by another organization' },
  organizations_external_id_key: { code: 'external_id_taken', message: 'external_id is already used by another organization' },
};

export function translatePrismaError(error: unknown, what: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') {
      const index = violatedIndex(error);
      const known = index ? UNIQUE_CONSTRAINTS[index] : undefined;
      throw new Conflict(known?.message ?? `${what} already exists`, {
        code: known?.code ?? 'conflict',
        detail: `unique violation on ${index ?? 'unknown index'}`,
        cause: error,
      });
    }
    if (error.code === 'P2025') throw new NotFound(`${what} not found`, { cause: error });
  }
  throw error;
}

/** Prisma 7 with a driver adapter reports the index in meta.driverAdapterError.cause.constraint. */
function violatedIndex(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const meta = error.meta as { driverAdapterError?: { cause?: { constraint?: { index?: string } } }; target?: unknown } | undefined;
  const index = meta?.driverAdapterError?.cause?.constraint?.index;
  if (typeof index === 'string') return index;
  return typeof meta?.target === 'string' ? meta.target : undefined;
}

/** Runs a query, translating Prisma's errors. */
export async function guard<T>(what: string, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    return translatePrismaError(error, what);
  }
}
