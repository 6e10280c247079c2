// A minimal browser for protocol tests: follows redirects by hand and keeps cookies, so each hop
// of a login can be inspected.
export class Browser {
  private readonly cookies = new Map<string, string>();

  /** `transport`: how requests go out (fetch by default; benchmarks pass a cheaper one). */
  constructor(private readonly transport: (url: string, init: RequestInit) => Promise<Response> = (url, init) => fetch(url, init)) {}

  /** The Cookie header this browser would send (for clients that take over its session). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.send(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  }

  /** Follows redirects until `stop` says so (or a non-redirect answer), returning the last response and its URL. */
  async follow(url: string, stop: (url: URL) => boolean = () => false): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    for (let hop = 0; hop < 15; hop++) {
      if (stop(current)) return { response: new Response(null, { status: 204 }), url: current };
      const response = await this.get(current.href);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.transport(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { Cookie: cookie } : {}) } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return response;
  }
}

export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  const value = match?.[1] ?? match?.[2];
  if (value === undefined) throw new Error(`no hidden field ${name} in page`);
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}
