// A keep-alive JSON client for the webhook benchmark's SCIM and admin calls.
import http from 'node:http';

export function scimCaller(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  function call(method: string, path: string, token: string, body?: unknown): Promise<any> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const type = path.startsWith('/scim/') ? 'application/scim+json' : 'application/json';
    const headers = { authorization: `Bearer ${token}`, accept: type, ...(payload ? { 'content-type': type, 'content-length': Buffer.byteLength(payload) } : {}) };
    return new Promise((resolve, reject) => {
      const req = http.request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
  async function directory(rootKey: string): Promise<{ id: string; token: string; base: string }> {
    const org = await call('POST', '/api/v1/organizations', rootKey, { name: `webhook bench ${Date.now()}` });
    const dir = await call('POST', `/api/v1/organizations/${org.id}/directories`, rootKey, { name: 'bench', provider: 'okta' });
    return { id: dir.id, token: dir.bearer_token, base: `/scim/v2/${dir.id}` };
  }
  return { call, directory };
}
