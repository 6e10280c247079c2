export const USAGE = `Gatehouse: enterprise SSO and SCIM provisioning gateway

Usage: gatehouse <command> [options]

Commands:
  start                  HTTP and background workers in one process (what \`npm start\` runs).
                         Applies migrations first; with no DATABASE_URL it runs an embedded
                         Postgres under GATEHOUSE_DATA_DIR (./data); on the first start it
                         creates an admin API key and prints it once.
  serve                  HTTP only (SSO, SCIM, admin API): run any number behind a load balancer.
  worker                 Background workers only (BullMQ when REDIS_URL is set).
  migrate                Apply pending database migrations, then exit.
  admin-key create       Create an admin API key and print it (only the key) on stdout.
      --name NAME            what the key is for (required)
      --organization ID      confine the key to one organization
      --scopes a,b           scopes to grant (default: *); e.g. organizations:read,audit_logs:read
  signing-keys rotate    New ID-token signing keys (RS256, ES256), printed as key ids on stdout;
                         the old keys stay published for 24 hours. Restart API nodes after it.

Options:
  -h, --help             Show this help.
  -v, --version          Show the version.

Configuration comes from the environment; see .env.example for every variable.
Logs are JSON lines on stderr; stdout carries only values meant for scripts.
`;
