// Prisma's schema engine compiled to WebAssembly, driven through driver adapters. The CLI's native
// engine is downloaded at run time from a host that neither this project nor CI can reach; the WASM
// build ships on npm. These are Prisma internals: @prisma/schema-engine-wasm and
// @prisma/driver-adapter-utils stay pinned exactly in package.json.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaContainer, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export type { MigrationList, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export interface AdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  close(): Promise<void>;
  /** The database's own error for the last failed script: the engine reports it less precisely. */
  lastScriptError(): Error | undefined;
}

// lib "ES2023" (no "DOM") declares no WebAssembly types; this is the one call used.
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let engineModule: Promise<EngineModule> | undefined;

function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    // The package entry imports the .wasm as an ES module, which Node 20 cannot: instantiate by hand.
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': glue });
    // The glue reports a Rust panic's message here before trapping; without it the message is lost.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message) => process.stderr.write(`prisma schema engine panicked: ${message}\n`),
    };
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })().catch((error: unknown) => {
    engineModule = undefined;
    throw error;
  });
  return engineModule;
}

function toDriverAdapterError(error: unknown): unknown {
  const e = error as Partial<Record<'code' | 'severity' | 'message' | 'detail' | 'column' | 'hint', string>>;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: e.severity ?? 'ERROR',
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
    originalCode: e.code,
    originalMessage: e.message,
  });
}

// The engine hands a migration to executeScript. adapter-pg splits it on every ';' (breaking
// $$-quoted function bodies) and pglite-prisma-adapter does not await it (errors vanish). Send it
// whole, as the native engine does: one simple-protocol query, which Postgres runs as one implicit
// transaction.
function withWholeScripts(
  adapter: SqlDriverAdapter,
  run: (script: string) => Promise<unknown>,
  onError?: (error: Error) => void,
): SqlDriverAdapter {
  const executeScript = async (script: string): Promise<void> => {
    await run(script).catch((error: unknown) => {
      if (error instanceof Error) onError?.(error);
      throw toDriverAdapterError(error);
    });
  };
  return Object.assign(Object.create(adapter) as SqlDriverAdapter, { executeScript });
}

/**
 * A database reached by URL (Postgres, or PGlite behind pglite-socket) through adapter-pg, on a
 * single connection: the engine's session-level advisory lock must cover every statement it runs.
 */
export function postgresAdapterFactory(databaseUrl: string): AdapterFactory {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const factory = new PrismaPg(pool);
  let scriptError: Error | undefined;
  const remember = (error: Error): void => void (scriptError = error);
  return {
    provider: 'postgres',
    adapterName: factory.adapterName,
    connect: async () => withWholeScripts(await factory.connect(), (script) => pool.query(script), remember),
    connectToShadowDb: () => Promise.reject(new Error('no shadow database for a deploy')),
    close: () => pool.end(),
    lastScriptError: () => scriptError,
  };
}

/**
 * An in-process PGlite as both the main and the shadow database. adapter-pg cannot be the shadow:
 * it cannot read the `"char"` columns of the catalog queries, and built from a connectionString its
 * "shadow" database is the main one.
 */
export function pgliteAdapterFactory(db: PGlite): AdapterFactory {
  const factory = new PrismaPGlite(db);
  const connect = async (): Promise<SqlDriverAdapter> =>
    withWholeScripts((await factory.connect()) as unknown as SqlDriverAdapter, (script) => db.exec(script));
  return {
    provider: 'postgres',
    adapterName: factory.adapterName,
    connect,
    connectToShadowDb: connect,
    close: async () => {},
    lastScriptError: () => undefined,
  };
}

// Errors thrown by an adapter reach us as "External error id#N"; the original is in the registry.
function explain(error: unknown, registry: ErrorRegistry): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const message = error.message
    .split(/\n\s+0: /)[0]!
    .replace(/External error id#(\d+)/g, (text, id: string) => {
      const original = registry.consumeError(Number(id))?.error;
      return original instanceof Error ? original.message : text;
    })
    .trim();
  return new Error(message, { cause: error });
}

export interface EngineOptions {
  schemaFiles?: SchemaContainer[];
  log?: (message: string) => void;
}

/** Runs `work` with a fresh engine on `adapterFactory`; the engine is freed afterwards. */
export async function withSchemaEngine<T>(
  adapterFactory: AdapterFactory,
  options: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const glue = await loadEngineModule();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const datamodels = options.schemaFiles?.map((file): [string, string] => [file.path, file.content]);
  const onLog = (line: string): void => {
    try {
      const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      if (entry.fields?.message && entry.level !== 'DEBUG' && entry.level !== 'TRACE') options.log?.(entry.fields.message);
    } catch {
      options.log?.(line);
    }
  };
  let engine: SchemaEngine | undefined;
  try {
    engine = await glue.SchemaEngine.new({ datamodels }, onLog, bound);
    return await work(engine);
  } catch (error) {
    throw explain(error, bound.errorRegistry);
  } finally {
    engine?.free();
  }
}
