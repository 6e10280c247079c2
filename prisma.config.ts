// Read by the Prisma CLI only (generate; `migrate deploy` on machines that have its native engine).
// Gatehouse itself applies migrations with `gatehouse migrate` (src/store/migrations/).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/gatehouse' },
});
