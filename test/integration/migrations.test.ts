import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../../src/paths.js';
import { applyMigrations, diffMigrationsToSchema } from '../../src/store/migrations/migrate.js';
import { createTestDatabase, releaseTestResources, requires } from '../support/services.js';

// Run alone (not through test/index.ts), this file drops its own databases.
if (process.argv[1] === fileURLToPath(import.meta.url)) after(releaseTestResources);

// Every table schema.prisma maps a model to.
const TABLES = [...readFileSync(SCHEMA_PATH, 'utf8').matchAll(/@@map\("([a-z_]+)"\)/g)].map((m) => m[1]!).sort();

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const migrationRows = (url: string) =>
  query<MigrationRow>(url, 'SELECT * FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name');

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function publicTables(url: string): Promise<string[]> {
  const rows = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  return rows.map((r) => r.tablename).filter((name) => !name.startsWith('_')).sort();
}

describe('migrations', await requires('postgres'), () => {
  test('the migrations produce exactly prisma/schema.prisma (no drift)', async () => {
    assert.equal(await diffMigrationsToSchema(), '');
  });

  test('apply creates the tables and records each migration as Prisma does; a second apply is a no-op', async () => {
    const url = await createTestDatabase('migrations');
    const names = await migrationNames();
    assert.deepEqual(await applyMigrations({ databaseUrl: url }), { applied: names });
    assert.deepEqual(await publicTables(url), TABLES);

    const rows = await migrationRows(url);
    assert.deepEqual(rows.map((r) => r.migration_name), names);
    for (const row of rows) {
      // Prisma's checksum: SHA-256 of migration.sql as read, as zero-padded lowercase hex.
      const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'));
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.logs, null);
      assert.equal(row.applied_steps_count, 1);
    }

    assert.deepEqual(await applyMigrations({ databaseUrl: url }), { applied: [] });
    assert.equal((await migrationRows(url)).length, names.length);
  });

  test('audit_logs refuses UPDATE', async () => {
    const url = await createTestDatabase('migrations');
    await applyMigrations({ databaseUrl: url });
    await query(url, "INSERT INTO audit_logs (id, actor_type, action, target_type, outcome) VALUES ('a1', 'system', 'x', 'y', 'success')");
    await assert.rejects(query(url, "UPDATE audit_logs SET outcome = 'failure'"), /audit_logs is append-only/);
    const rows = await query<{ outcome: string }>(url, 'SELECT outcome FROM audit_logs');
    assert.deepEqual(rows, [{ outcome: 'success' }]);
  });

  test('two concurrent applies on one database both succeed and apply each migration once', async () => {
    const url = await createTestDatabase('migrations');
    const results = await Promise.all([applyMigrations({ databaseUrl: url }), applyMigrations({ databaseUrl: url })]);
    assert.deepEqual(results.flatMap((r) => r.applied).sort(), await migrationNames());
    assert.deepEqual((await migrationRows(url)).map((r) => r.migration_name), await migrationNames());
  });

  test('a failing migration is reported by name with the database error', async () => {
    const url = await createTestDatabase('migrations');
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-migrations-'));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await mkdir(join(dir, '29991231000000_broken'));
      await writeFile(join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE t1 (id int);\nALTER TABLE nope ADD x int;\n');
      await assert.rejects(applyMigrations({ databaseUrl: url, migrationsDir: dir }), (error: Error) => {
        assert.match(error.message, /29991231000000_broken/);
        assert.match(error.message, /relation "nope" does not exist/);
        return true;
      });
      // The script ran as one implicit transaction: its first statement did not stick either.
      assert.deepEqual(await publicTables(url), TABLES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('apply works against PGlite served over pglite-socket (the embedded default)', async () => {
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    try {
      const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      const names = await migrationNames();
      assert.deepEqual(await applyMigrations({ databaseUrl: url }), { applied: names });
      assert.deepEqual(await applyMigrations({ databaseUrl: url }), { applied: [] });
      assert.deepEqual(await publicTables(url), TABLES);
      assert.ok((await migrationRows(url)).every((r) => r.finished_at !== null));
    } finally {
      await server.stop();
      await db.close();
    }
  });
});
