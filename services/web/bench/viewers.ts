// The viewers of the fan-out benchmark, in a process of their own: `count` connections to
// /api/live, each timing every event from its network time (eventAtMs, set by the publisher) to
// its arrival. Prints `connected` once every stream is open, then, once each has seen `expected`
// events (or after `deadlineMs`), one JSON line with the delays' percentiles.
//   node services/web/bench/viewers.ts URL COUNT EXPECTED DEADLINE_MS
import { setTimeout as sleep } from 'node:timers/promises';

const [url, countArg, expectedArg, deadlineArg] = process.argv.slice(2);
const count = Number(countArg);
const expected = Number(expectedArg);
const deadline = Date.now() + Number(deadlineArg);
const delays: number[] = [];
let open = 0;
let complete = 0;

async function view(): Promise<void> {
  const res = await fetch(`${url}/api/live`);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  open++;
  const decoder = new TextDecoder();
  let buffer = '';
  let seen = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const now = Date.now();
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (data) {
        const ev = JSON.parse(data) as { text: string; eventAtMs: number };
        if (ev.text.startsWith('bench ')) {
          delays.push(now - ev.eventAtMs);
          seen++;
        }
      }
      end = buffer.indexOf('\n\n');
    }
    if (seen >= expected) break;
  }
  complete++;
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
