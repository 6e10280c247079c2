// Composition root and CLI: environment -> Config -> the command's parts. Exit codes: 0 done,
// 1 failed while running, 2 bad usage or configuration.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAdminKey } from './cli/admin-key.js';
import { openDatabase } from './cli/database.js';
import { rotateKeys } from './cli/signing-keys.js';
import { startGateway, type GatewayOptions, type RunningGateway } from './cli/gateway.js';
import { USAGE } from './cli/usage.js';
import { connectorTypes, idpPresets } from '../connectors/index.js';
import { completeMockLogin, renderMockLogin } from '../connectors/mock/index.js';
import { configureVerifierPool } from '../connectors/saml/index.js';
import type { ConnectorRegistry } from './sso/connector.js';
import { loadConfig, type Config } from './config.js';
import { ConfigInvalid, GatewayError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { PACKAGE_JSON } from './paths.js';
import { applyMigrations } from './store/migrations/migrate.js';

const GATEWAYS: Record<string, GatewayOptions> = {
  start: { http: true, workers: true, migrate: true, bootstrap: true },
  serve: { http: true, workers: false, migrate: false, bootstrap: false },
  worker: { http: false, workers: true, migrate: false, bootstrap: false },
};

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        name: { type: 'string' },
        organization: { type: 'string' },
        scopes: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, sub] = positionals;
  if (values.help || command === 'help' || command === undefined) return void process.stdout.write(USAGE), 0;
  if (values.version) return void process.stdout.write(`${version()}\n`), 0;
  const config = loadConfig(process.env);
  const logger = createLogger(config.log.level);
  if (command in GATEWAYS) return serveUntilSignalled(config, logger, GATEWAYS[command]!, enabledConnectors(config));
  if (command === 'migrate') return migrate(config, logger);
  if (command === 'admin-key' && sub === 'create') {
    process.stdout.write(`${await createAdminKey(config, logger, values)}\n`);
    return 0;
  }
  if (command === 'signing-keys' && sub === 'rotate') {
    process.stdout.write(`${(await rotateKeys(config, logger)).join('\n')}\n`);
    return 0;
  }
  throw new UsageError(`unknown command: ${positionals.join(' ')}`);
}

async function migrate(config: Config, logger: Logger): Promise<number> {
  const database = await openDatabase(config, logger);
  try {
    const { applied } = await applyMigrations({ databaseUrl: database.url, log: (m) => logger.info(m) });
    process.stderr.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Database is up to date.\n');
    return 0;
  } finally {
    await database.close();
  }
}

async function serveUntilSignalled(config: Config, logger: Logger, options: GatewayOptions, registry: ConnectorRegistry): Promise<number> {
  const mockIdp = { type: connectorTypes.mock, render: renderMockLogin, complete: completeMockLogin };
  await configureVerifierPool(config.sso.samlVerifyThreads);
  const gateway: RunningGateway = await startGateway(config, logger, options, { registry, presets: idpPresets, mockIdp });
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
      process.once(signal, () => process.exit(1));
      gateway.stop().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

/** The registry, less the mock connector unless it was asked for. */
function enabledConnectors(config: Config): ConnectorRegistry {
  const { mock, ...production } = connectorTypes;
  return config.sso.enableMockConnector ? { ...production, mock } : production;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  return pkg.version;
}

function report(error: unknown): number {
  if (error instanceof ConfigInvalid) return void process.stderr.write(`gatehouse: ${error.message}\n`), 2;
  if (error instanceof UsageError) return void process.stderr.write(`gatehouse: ${error.message}\n\n${USAGE}`), 2;
  if (error instanceof GatewayError && error.expose) return void process.stderr.write(`gatehouse: ${error.message}\n`), 2;
  process.stderr.write(`gatehouse: ${(error as Error)?.message ?? String(error)}\n`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(error);
  return 1;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error)),
);
