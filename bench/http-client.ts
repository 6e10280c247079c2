// A load client as light as wrk's: HTTP/1.1 over kept-alive sockets, each request written as one
// string, each answer framed by its Content-Length. The load client shares the machine's two cores
// with the gateway and Postgres, and node:http's client costs ~0.2 ms of CPU per request here
// (about 15 % of what a SCIM deactivation costs the whole machine); this one ~0.08 ms. It speaks
// only what the gateway answers: no chunked bodies (it refuses one rather than misread it).
import net from 'node:net';

export interface RawResponse {
  status: number;
  body: string;
}

interface Connection {
  socket: net.Socket;
  /** Chunks held back while a long body is still arriving (concatenated once, not per chunk). */
  held: Buffer[];
  heldBytes: number;
  /** The byte count of the answer being read, once its head is in. */
  needed: number;
  pending: { resolve(r: RawResponse): void; reject(e: Error): void } | undefined;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** The first answer in `buffered` and the bytes it took, or undefined while it is incomplete. */
function frame(buffered: Buffer): { response?: RawResponse; length: number; close: boolean } | undefined {
  const end = buffered.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const head = buffered.toString('latin1', 0, end).toLowerCase();
  if (head.includes('\r\ntransfer-encoding:')) throw new Error('chunked answers are not supported by the bench client');
  const length = end + 4 + Number(/\r\ncontent-length: *(\d+)/.exec(head)?.[1] ?? 0);
  const close = head.includes('\r\nconnection: close');
  if (buffered.length < length) return { length, close };
  return { response: { status: Number(head.slice(9, 12)), body: buffered.toString('utf8', end + 4, length) }, length, close };
}

export function rawHttpClient(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  const idle: Connection[] = [];

  function settle(c: Connection, outcome: RawResponse | Error): void {
    const pending = c.pending;
    c.pending = undefined;
    if (outcome instanceof Error) pending?.reject(outcome);
    else pending?.resolve(outcome);
  }

  function connect(): Connection {
    const c: Connection = { socket: net.connect(Number(port), hostname), held: [], heldBytes: 0, needed: 0, pending: undefined };
    c.socket.setNoDelay(true);
    c.socket.on('data', (chunk: Buffer) => {
      if (c.heldBytes + chunk.length < c.needed) return void (c.held.push(chunk), (c.heldBytes += chunk.length));
      const data = c.heldBytes === 0 ? chunk : Buffer.concat([...c.held, chunk]);
      c.held = [];
      c.heldBytes = 0;
      let framed: ReturnType<typeof frame>;
      try {
        framed = frame(data);
      } catch (error) {
        c.socket.destroy();
        return settle(c, error as Error);
      }
      if (!framed?.response) {
        c.needed = framed?.length ?? 0;
        return void (c.held.push(data), (c.heldBytes = data.length));
      }
      // One request in flight per connection: nothing follows its answer.
      c.needed = 0;
      if (framed.close) c.socket.end();
      else idle.push(c);
      settle(c, framed.response);
    });
    c.socket.on('error', (error) => settle(c, error));
    c.socket.on('close', () => {
      const at = idle.indexOf(c);
      if (at >= 0) idle.splice(at, 1);
      settle(c, new Error('the gateway closed the connection before answering'));
    });
    return c;
  }

  const request = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const c = idle.pop() ?? connect();
      c.pending = { resolve, reject };
      let text = `${method} ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n`;
      for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
      c.socket.write(body === undefined ? `${text}\r\n` : `${text}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });

  const close = () => {
    for (const c of idle.splice(0)) c.socket.destroy();
  };
  return { request, close };
}
