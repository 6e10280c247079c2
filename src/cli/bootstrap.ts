// First start: with no admin key at all, make one and show it once, with how to use it. Printed
// to stderr as plain text (not into the JSON log, which may be shipped elsewhere).
import type { ApiKeyService } from '../admin/api-keys.js';
import { systemContext } from '../admin/context.js';
import type { Config } from '../config.js';

export async function bootstrapAdminKey(apiKeys: ApiKeyService, config: Config, port: number | undefined): Promise<string | undefined> {
  if ((await apiKeys.countActive()) > 0) return undefined;
  const { secret } = await apiKeys.create(systemContext('bootstrap'), { name: 'bootstrap admin key' });
  const base = port === undefined || port === config.http.port ? config.http.publicUrl : `http://localhost:${port}`;
  process.stderr.write(
    [
      '',
      'Gatehouse created its first admin API key. It is shown only this once; store it safely:',
      '',
      `  ${secret}`,
      '',
      `Use it on the admin API at ${base}/api/v1, for example:`,
      `  curl -H "Authorization: Bearer ${secret}" ${base}/api/v1/organizations`,
      '',
      'Create more with `gatehouse admin-key create --name NAME`, and revoke this one once you have.',
      '',
    ].join('\n') + '\n',
  );
  return secret;
}
