// web's variables: the ones every service reads, then its own (one line each).
import { identityConfigSpec } from '@botsky/identity';
import { bool, commonConfigSpec, duration, int, projectDidField, secret, string, url, type ConfigOf } from '@botsky/kit';

export const webConfigSpec = {
  ...commonConfigSpec,
  ...identityConfigSpec,
  port: int('BOTSKY_WEB_PORT', { min: 0, max: 65535 }).default(3100),
  host: string('BOTSKY_WEB_HOST').default('0.0.0.0'),
  /** scoring's leaderboard HTTP listener, which /api/leaderboard reads. */
  leaderboardUrl: url('BOTSKY_WEB_LEADERBOARD_URL', { protocols: ['http', 'https'] }).default('http://127.0.0.1:8080'),
  /** The feed service's HTTP listener (BOTSKY_FEED_PORT): the BotSky feed page reads its skeleton and reports what was seen. */
  feedUrl: url('BOTSKY_WEB_FEED_URL', { protocols: ['http', 'https'] }).default('http://127.0.0.1:3000'),
  /** How far back the live view starts when the service starts (it replays the bus from then). */
  replay: duration('BOTSKY_WEB_REPLAY', { min: 0, max: 24 * 3_600_000 }).default(15 * 60_000),
  /** Events kept for a viewer who connects: the first screen of the "now" view. */
  recentEvents: int('BOTSKY_WEB_RECENT_EVENTS', { min: 0, max: 10_000 }).default(200),
  maxViewers: int('BOTSKY_WEB_MAX_VIEWERS', { min: 1, max: 1_000_000 }).default(10_000),
  /** The project's account: following it is opting in (matchmaker reads the follows). */
  projectDid: projectDidField().optional(),
  /** The address people reach the web app at (https://...), the OAuth client's identity; unset: this machine's loopback address (a local run). */
  publicUrl: url('BOTSKY_WEB_PUBLIC_URL', { protocols: ['http', 'https'] }).optional(),
  /** An AppView (app.bsky.*) to hydrate the feed's posts and unseen threads from; unset: the authors' repositories and what BotSky saw go by. */
  appviewUrl: url('BOTSKY_APPVIEW_URL', { protocols: ['http', 'https'] }).optional(),
  /** Where sign-in goes when the person names no server of their own (an entryway or a PDS). */
  signInService: url('BOTSKY_WEB_SIGNIN_SERVICE', { protocols: ['http', 'https'] }).default('https://bsky.social'),
  /** Offer "create an account" on BOTSKY_WEB_SIGNIN_SERVICE (a local network's PDS; the demo turns it on). */
  signup: bool('BOTSKY_WEB_SIGNUP').default(false),
  /** Seals session cookies; every replica needs the same one. Unset: a random one per process. */
  sessionSecret: secret('BOTSKY_WEB_SESSION_SECRET').optional(),
  /** Session cookies only over HTTPS (turn off for plain-HTTP local runs). */
  secureCookies: bool('BOTSKY_WEB_SECURE_COOKIES').default(true),
  /** Bytes a viewer may fall behind by before it is dropped (it reconnects and starts over). */
  viewerBufferBytes: int('BOTSKY_WEB_VIEWER_BUFFER_BYTES', { min: 1024, max: 64 * 1024 * 1024 }).default(1024 * 1024),
};

export type WebConfig = ConfigOf<typeof webConfigSpec>;
