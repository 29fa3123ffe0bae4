import { runArm } from './introductions-run.ts';
const strategy = (process.argv[2] ?? 'similar') as 'similar' | 'random';
const t0 = performance.now();
let timer: NodeJS.Timeout | undefined;
const r = await runArm({ strategy, seed: Number(process.argv[3] ?? 1), users: Number(process.argv[4] ?? 30), durationMs: Number(process.argv[5] ?? 20000), simMinutesPerSecond: 10, log: (l) => console.log(l),
  onBus: (bus) => { timer = setInterval(() => console.log(((performance.now() - t0) / 1000).toFixed(0), JSON.stringify(bus.stats())), 3000); } });
clearInterval(timer);
console.log(JSON.stringify(r), ((performance.now() - t0) / 1000).toFixed(1), 's');
