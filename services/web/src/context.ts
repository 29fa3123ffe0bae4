// Every client web uses, made (or handed in) in one place: the bus, the live hub, the metrics.
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Identities } from '@botsky/identity';
import { createBusContext, type BusContext, type BusOverrides, type ReadinessCheck } from '@botsky/kit';
import type { WebConfig } from './config.ts';
import { BotActivity } from './live/bot-activity.ts';
import { PersonDecisions } from './live/decisions.ts';
import { LiveHub } from './live/hub.ts';
import { ThreadIndex } from './live/threads.ts';
import { createWebMetrics, type WebMetrics } from './metrics.ts';
import { SessionSeal } from './session/cookie.ts';

export interface WebContext extends BusContext {
  readonly config: WebConfig;
  readonly webMetrics: WebMetrics;
  readonly hub: LiveHub;
  /** The conversations seen go by, for the thread view. */
  readonly threads: ThreadIndex;
  /** Each bot's recent replies and rating history, for its page. */
  readonly activity: BotActivity;
  /** matchmaker's recent decisions per person, for the consent page. */
  readonly decisions: PersonDecisions;
  /** Who a DID is and where its repository lives (to hydrate the feed's posts). */
  readonly identities: Identities;
  /** Seals and opens the signed-in people's session cookies. */
  readonly seal: SessionSeal;
  /** Where the built client is served from. */
  readonly clientDir: string;
}

export interface WebOverrides extends BusOverrides {
  clientDir?: string;
  identities?: Identities;
}

export async function createContext(config: WebConfig, overrides: WebOverrides = {}): Promise<WebContext> {
  // Sign-up makes accounts with placeholder e-mails, unthrottled: only on a local network's server.
  if (config.signup && !isLocalServer(config.signInService))
    throw new Error(
      `BOTSKY_WEB_SIGNUP is for a local network's PDS (http://, or a loopback address), not ${config.signInService}: people sign up with their own server`,
    );
  const base = await createBusContext('web', config, overrides);
  const webMetrics = createWebMetrics(base.metrics);
  const hub = new LiveHub({
    recent: config.recentEvents,
    maxViewers: config.maxViewers,
    bufferBytes: config.viewerBufferBytes,
    metrics: webMetrics,
  });
  const clientDir = overrides.clientDir ?? CLIENT_DIST;
  const secret = config.sessionSecret?.reveal();
  if (!secret)
    base.logger.warn(
      'BOTSKY_WEB_SESSION_SECRET is not set: sessions are sealed with a key of this process alone (lost on restart, not shared by replicas)',
    );
  const seal = new SessionSeal(secret ?? randomBytes(32).toString('hex'));
  const identities = overrides.identities ?? new Identities(config);
  return {
    ...base,
    config,
    webMetrics,
    hub,
    activity: new BotActivity(),
    decisions: new PersonDecisions(),
    threads: new ThreadIndex(),
    seal,
    identities,
    clientDir,
    checks: { ...base.checks, client: clientCheck(clientDir) },
  };
}

export const CLIENT_DIST = new URL('../dist/', import.meta.url).pathname;

/** Ready while the built client is there to serve (a missing build is an operator's mistake). */
export function clientCheck(dir: string): ReadinessCheck {
  return async () => {
    await access(join(dir, 'index.html')).catch(() => {
      throw new Error(`the web client is not built in ${dir} (pnpm --filter @botsky/web build)`);
    });
  };
}

/** An http:// server, or one on this machine: a local network's (the demo's, a test's). */
export function isLocalServer(address: string): boolean {
  const u = new URL(address);
  return u.protocol === 'http:' || ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}
