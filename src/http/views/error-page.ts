// A readable error page for browsers: what happened, what to do, and the id support will ask for.
const TITLES: Record<number, string> = {
  400: 'This request could not be processed',
  401: 'Sign-in failed',
  403: 'Access denied',
  404: 'Page not found',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported request',
  502: 'Your identity provider could not be reached',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function errorPage(status: number, message: string, requestId: string): string {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request failed');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Gatehouse</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin:0 0 .75rem}code{background:#eef0f4;padding:.1rem .35rem;border-radius:4px}
p.meta{color:#5b6475;font-size:.9rem;margin-top:1.5rem}
</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p class="meta">Error ${status} · Request ID <code>${escapeHtml(requestId)}</code>. If you contact your administrator, include this ID.</p>
</main></body></html>
`;
}
