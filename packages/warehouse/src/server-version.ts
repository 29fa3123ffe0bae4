// What a ClickHouse server can do, from its version. BotSky's schema needs a modern server
// (22.4+); the adapter also talks to old ones (Debian's 18.16) for wire and fault tests.

export interface ServerFeatures {
  version: string;
  /** `{name:Type}` bound by the server (HTTP `param_*`): 19.x added it; we trust 20+. */
  queryParams: boolean;
  /** `insert_deduplication_token` with `non_replicated_deduplication_window`: 22.4+. */
  dedupToken: boolean;
}

export function featuresOf(version: string): ServerFeatures {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const atLeast = (maj: number, min: number) => major > maj || (major === maj && minor >= min);
  return { version, queryParams: atLeast(20, 0), dedupToken: atLeast(22, 4) };
}
