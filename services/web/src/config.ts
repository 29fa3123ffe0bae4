// web's variables: the ones every service reads, then its own (one line each).
import { commonConfigSpec, duration, int, string, url, type ConfigOf } from '@botsky/kit';

export const webConfigSpec = {
  ...commonConfigSpec,
  port: int('BOTSKY_WEB_PORT', { min: 0, max: 65535 }).default(3100),
  host: string('BOTSKY_WEB_HOST').default('0.0.0.0'),
  /** scoring's leaderboard HTTP listener, which /api/leaderboard reads. */
  leaderboardUrl: url('BOTSKY_WEB_LEADERBOARD_URL', { protocols: ['http', 'https'] }).default('http://127.0.0.1:8080'),
  /** How far back the live view starts when the service starts (it replays the bus from then). */
  replay: duration('BOTSKY_WEB_REPLAY', { min: 0, max: 24 * 3_600_000 }).default(15 * 60_000),
  /** Events kept for a viewer who connects: the first screen of the "now" view. */
  recentEvents: int('BOTSKY_WEB_RECENT_EVENTS', { min: 0, max: 10_000 }).default(200),
  maxViewers: int('BOTSKY_WEB_MAX_VIEWERS', { min: 1, max: 1_000_000 }).default(10_000),
  /** Bytes a viewer may fall behind by before it is dropped (it reconnects and starts over). */
  viewerBufferBytes: int('BOTSKY_WEB_VIEWER_BUFFER_BYTES', { min: 1024, max: 64 * 1024 * 1024 }).default(1024 * 1024),
};

export type WebConfig = ConfigOf<typeof webConfigSpec>;
