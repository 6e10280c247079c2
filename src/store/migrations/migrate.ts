// `prisma migrate deploy` and `prisma migrate diff` without the Prisma CLI's native engine: the WASM
// schema engine reads the same prisma/migrations folders and keeps the same `_prisma_migrations`
// table (same checksums, same rows), so a machine that has the CLI agrees with what was done here.
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../../paths.js';
import { type MigrationList, pgliteAdapterFactory, postgresAdapterFactory, withSchemaEngine } from './schema-engine.js';

const LOCKFILE = 'migration_lock.toml';
const MIGRATION_FILE = 'migration.sql';
const noFilters = { externalTables: [], externalEnums: [] };

/** The folder in the shape the engine takes, read as the Prisma CLI reads it (sorted by name). */
export async function readMigrations(migrationsDir = MIGRATIONS_DIR): Promise<MigrationList> {
  const lockfile = { path: LOCKFILE, content: await readFile(join(migrationsDir, LOCKFILE), 'utf8').catch(() => null) };
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((): Dirent[] => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const content = await readFile(join(migrationsDir, entry.name, MIGRATION_FILE), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: entry.name, migrationFile: { path: MIGRATION_FILE, content } };
      }),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: migrationsDir, lockfile, shadowDbInitScript: '', migrationDirectories };
}

// The engine words a failed script vaguely ("No such table: nope"); Postgres's own message is better.
function failure(error: Error, migration: string | undefined, databaseError: Error | undefined): Error {
  if (migration === undefined || databaseError === undefined) {
    return new Error(`Applying migrations failed: ${error.message}`, { cause: error });
  }
  const code = (databaseError as { code?: string }).code;
  const message = `Migration ${migration} failed: ${databaseError.message}${code ? ` (SQLSTATE ${code})` : ''}`;
  return new Error(`${message}. It is recorded as failed in _prisma_migrations.`, { cause: error });
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (message: string) => void;
}

/**
 * Applies the pending migrations, in order, each recorded in `_prisma_migrations`. Concurrent
 * callers serialize on the engine's `pg_advisory_lock(72707369)` (Prisma's own lock id), so the
 * second one finds nothing left to do. A failed migration is recorded as failed, as Prisma does,
 * and must be resolved before later ones run.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrations(options.migrationsDir);
  const adapter = postgresAdapterFactory(options.databaseUrl);
  let current: string | undefined;
  const log = (message: string): void => {
    current = /^Applying `(.+)`$/.exec(message)?.[1] ?? current;
    options.log?.(message);
  };
  try {
    const result = await withSchemaEngine(adapter, { log }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: noFilters }),
    ).catch((error: Error) => {
      throw failure(error, current, adapter.lastScriptError());
    });
    const applied = result.appliedMigrationNames;
    options.log?.(applied.length === 0 ? 'No pending migrations.' : `Applied migrations: ${applied.join(', ')}`);
    return { applied };
  } finally {
    await adapter.close();
  }
}

export interface DiffOptions {
  migrationsDir?: string;
  schemaPath?: string;
}

// The engine writes this for a diff with no steps; callers want "no drift" to be falsy.
function withoutCommentOnlyOutput(sql: string): string {
  const meaningful = sql.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
  return meaningful ? sql.trim() + '\n' : '';
}

/**
 * The SQL that takes a database built from the migrations to what schema.prisma describes ('' when
 * they agree). The migrations are replayed into a throwaway in-memory PGlite (the shadow database).
 */
export async function diffMigrationsToSchema(options: DiffOptions = {}): Promise<string> {
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const schemaFiles = [{ path: basename(schemaPath), content: await readFile(schemaPath, 'utf8') }];
  const migrations = await readMigrations(options.migrationsDir);
  // A first diff has no lockfile yet; the engine needs one to know the provider.
  migrations.lockfile.content ??= 'provider = "postgresql"\n';
  const shadow = await PGlite.create();
  try {
    const result = await withSchemaEngine(pgliteAdapterFactory(shadow), { schemaFiles }, (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrations },
        to: { tag: 'schemaDatamodel', files: schemaFiles },
        script: true,
        exitCode: null,
        filters: noFilters,
      }),
    );
    return withoutCommentOnlyOutput(result.stdout ?? '');
  } finally {
    await shadow.close();
  }
}
