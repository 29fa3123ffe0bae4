// A tiny HTTP server on 127.0.0.1 that answers each request with the next step of a script (the
// last step repeats), after a protocol check that stands in for the real API's own validation.
// It records every request (time, headers, parsed body) so tests can count attempts, measure
// the wait between them and look at what the client sent.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** performance.now() when the request's headers arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
}

/** Answers one request. May leave it unanswered (a hang); close() ends such connections. */
export type Step = (req: RecordedRequest, res: ServerResponse) => void;

/** Returns a step to answer with when the request breaks the protocol, or undefined when it is fine. */
export type ProtocolCheck = (req: RecordedRequest) => Step | undefined;

export interface ScriptedServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(steps: readonly Step[], check: ProtocolCheck): Promise<ScriptedServer> {
  if (steps.length === 0) throw new TypeError('a script needs at least one step');
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        at,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseJson(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(recorded);
      const rejection = check(recorded);
      if (rejection) return rejection(recorded, res);
      const step = steps[Math.min(next++, steps.length - 1)] as Step;
      step(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A body that is not what it claims to be (cut-off JSON, an HTML error page from a proxy...). */
export function sendRaw(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Never answers: the client's timeout has to end the attempt. */
export const hang: Step = () => {};

/** Sends a 200 and the start of a JSON body, then stalls: the timeout has to cover the body too. */
export const stallMidBody: Step = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"id":"x",');
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first value of a header, lower-cased name. */
export function header(req: RecordedRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
