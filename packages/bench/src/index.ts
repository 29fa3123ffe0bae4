// The format between a benchmark and `pnpm bench` (scripts/bench.ts): every
// `<package>/bench/*.bench.ts` exports `run`, which returns its figures as BenchResults, and each
// figure's name is its key in bench/baseline.json.

/** One figure a benchmark measured. */
export interface BenchResult {
  /** The figure's key in bench/baseline.json, e.g. `bus.nats.publish_to_consume`. */
  name: string;
  value: number;
  /** What `value` counts, e.g. `msg/s` or `ms`. */
  unit: string;
  /** Whether a larger value is the better one (a rate) or the worse (a latency). */
  higherIsBetter: boolean;
}

/** What a `*.bench.ts` file exports. */
export interface BenchModule {
  run(opts: { quick: boolean }): Promise<BenchResult[]>;
}

/** A figure's entry in bench/baseline.json: the value to compare against, and where it came from. */
export interface Baseline {
  value: number;
  unit: string;
  source: string;
}
