// The viewers of the fan-out benchmark, in a process of their own: `count` connections to
// /api/live, each timing every event from its network time (eventAtMs, set by the publisher) to
// its arrival. Prints `connected` once every stream is open, then, once each has seen `expected`
// events (or after `deadlineMs`), one JSON line with the delays' percentiles.
//   node services/web/bench/viewers.ts URL COUNT EXPECTED DEADLINE_MS
// The connections are node:http's (a socket and a 'data' callback each): a thousand fetch()
// streams cost the viewers' process more than the web service's fan-out does, and would measure
// the client. Each frame's time is read from its text, the event is not parsed further.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const [url, countArg, expectedArg, deadlineArg] = process.argv.slice(2);
const count = Number(countArg);
const expected = Number(expectedArg);
const deadline = Date.now() + Number(deadlineArg);
const delays: number[] = [];
let open = 0;
let complete = 0;
const BENCH = /"text":"bench [^"]*"/;
const AT = /"eventAtMs":(\d+)/;

function view(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/live`, { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
      open++;
      res.setEncoding('utf8');
      let buffer = '';
      let seen = 0;
      res.on('data', (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (BENCH.test(frame)) {
            const at = AT.exec(frame)?.[1];
            if (at) {
              delays.push(now - Number(at));
              seen++;
            }
          }
          end = buffer.indexOf('\n\n');
        }
        if (seen >= expected) {
          complete++;
          res.destroy();
          resolve();
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const views = Array.from({ length: count }, () => view().catch((err: unknown) => console.error(`viewer: ${(err as Error).message}`)));
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
