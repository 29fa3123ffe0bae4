// The "now" view: posts and bot replies as they happen, from /api/live (server-sent events;
// the browser reconnects by itself). A bot reply says it is a bot, its model and provider, and
// whom it introduced.
import { useEffect, useState } from 'preact/hooks';
import type { LiveEvent } from '../src/live/event-types.ts';

const KEEP = 300;

function shortDid(did: string): string {
  return did.length > 24 ? `${did.slice(0, 14)}…${did.slice(-6)}` : did;
}

function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function useLive(): { events: LiveEvent[]; connected: boolean } {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/live');
    const add = (e: MessageEvent<string>) => {
      const ev = JSON.parse(e.data) as LiveEvent;
      setEvents((prev) => {
        // A bot's reply also arrives as a network post: keep the richer reply.
        if (ev.kind === 'post' && prev.some((p) => p.uri === ev.uri)) return prev;
        const rest = ev.kind === 'reply' ? prev.filter((p) => p.uri !== ev.uri) : prev;
        return [ev, ...rest].slice(0, KEEP);
      });
    };
    source.addEventListener('post', add);
    source.addEventListener('reply', add);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);
  return { events, connected };
}

function Card({ ev }: { ev: LiveEvent }) {
  const isBot = ev.kind === 'reply';
  return (
    <li class={isBot ? 'card bot' : 'card'} data-uri={ev.uri} data-kind={ev.kind}>
      <div class="meta">
        <span class="who">{isBot ? ev.botId : shortDid(ev.did)}</span>
        {isBot && (
          <span class="badge" title={`${ev.model} via ${ev.provider}`}>
            bot · {ev.model} · {ev.provider}
          </span>
        )}
        <time dateTime={new Date(ev.eventAtMs).toISOString()}>{timeOf(ev.eventAtMs)}</time>
      </div>
      <p class="text">{ev.text}</p>
      {ev.parentUri && <div class="context">in reply to {shortDid(ev.parentUri.slice(5).split('/')[0] ?? '')}</div>}
      {isBot && ev.mentionDid && <div class="intro">introduces {shortDid(ev.mentionDid)}</div>}
    </li>
  );
}

export function NowView() {
  const { events, connected } = useLive();
  return (
    <section aria-labelledby="now-title">
      <h1 id="now-title">Now</h1>
      <p class="status" role="status">
        {connected ? 'Live' : 'Connecting…'} · {events.length} recent
      </p>
      <ul class="stream" aria-live="polite">
        {events.map((ev) => (
          <Card key={`${ev.kind} ${ev.uri}`} ev={ev} />
        ))}
      </ul>
    </section>
  );
}
