// The viewers of the fan-out benchmark, in a process of their own: `count` connections to
// /api/live, each timing every event from its network time (eventAtMs, set by the publisher) to
// its arrival. Prints `connected` once every stream is open, then, once each has seen `expected`
// events (or after `deadlineMs`), one JSON line with the delays' percentiles.
//   node services/web/bench/viewers.ts URL COUNT EXPECTED DEADLINE_MS
// The connections are raw sockets speaking just enough HTTP/1.1 (the request, the status line):
// a thousand fetch() streams, or node:http's chunked parsing, cost the viewers' process more than
// the web service's fan-out does on two cores, and would measure the client. Each frame's time is
// read from its text (its eventAtMs, with the chunk framing around it left alone); every event
// in the bench's namespace is one of the bench's.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const [url, countArg, expectedArg, deadlineArg] = process.argv.slice(2);
const count = Number(countArg);
const expected = Number(expectedArg);
const deadline = Date.now() + Number(deadlineArg);
const delays: number[] = [];
let open = 0;
let complete = 0;

const MARK = '"eventAtMs":';

/** One viewer: a raw socket that asks for /api/live and times each event's frame by its eventAtMs. */
function view(target: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    let text = '';
    let seen = 0;
    let headers = true;
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(`GET /api/live HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`));
    socket.on('data', (chunk: string) => {
      const now = Date.now();
      text += chunk;
      if (headers) {
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!text.startsWith('HTTP/1.1 200')) return reject(new Error(text.slice(0, text.indexOf('\r\n'))));
        headers = false;
        open++;
        text = text.slice(end + 4);
      }
      let from = 0;
      for (;;) {
        const at = text.indexOf(MARK, from);
        if (at === -1) {
          from = Math.max(from, text.length - MARK.length);
          break;
        }
        let i = at + MARK.length;
        while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
        if (i === text.length) {
          from = at;
          break;
        }
        delays.push(now - Number(text.slice(at + MARK.length, i)));
        seen++;
        from = i;
      }
      text = text.slice(from);
      if (seen >= expected) {
        complete++;
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', reject);
  });
}

const target = new URL(url as string);
const views = Array.from({ length: count }, () => view(target).catch((err: unknown) => console.error(`viewer: ${(err as Error).message}`)));
while (open < count && Date.now() < deadline) await sleep(20);
console.log(`connected ${open}`);
while (complete < count && Date.now() < deadline) await sleep(50);
delays.sort((a, b) => a - b);
const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? Number.NaN;
console.log(
  JSON.stringify({ viewers: open, complete, received: delays.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: delays.at(-1) ?? Number.NaN }),
);
process.exit(0);
void views;
