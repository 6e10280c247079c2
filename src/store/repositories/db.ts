import type { Prisma, PrismaClient } from '../generated/client.js';

/** A repository runs on the client or inside a transaction, alike. */
export type Db = PrismaClient | Prisma.TransactionClient;
