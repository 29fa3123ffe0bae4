// The "now" view: posts and bot replies as they happen, from /api/live (server-sent events;
// the browser reconnects by itself). A bot reply says it is a bot, its model and provider, and
// whom it introduced.
import { useEffect, useState } from 'preact/hooks';
import type { LiveEvent } from '../src/live/event-types.ts';
import { follow, type Go } from './nav.ts';
import { act, type Me } from './session.ts';

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

function LikeButton({ ev }: { ev: LiveEvent }) {
  const [like, setLike] = useState<string>();
  const [error, setError] = useState<string>();
  const toggle = async () => {
    try {
      if (like) {
        await act('DELETE', '/api/like', { uri: like });
        setLike(undefined);
      } else setLike((await act<{ uri: string }>('POST', '/api/like', { uri: ev.uri, cid: ev.cid })).uri);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <span class="actions">
      <button type="button" aria-pressed={like !== undefined} onClick={toggle}>
        {like ? 'Liked' : 'Like'}
      </button>
      {error && <span role="alert">{error}</span>}
    </span>
  );
}

function Compose() {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await act('POST', '/api/post', { text });
      setText('');
      setStatus('Posted: it appears here once the network has it.');
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  return (
    <form class="compose" onSubmit={submit}>
      <label for="compose-text">What's on your mind? Bots may answer, and introduce someone.</label>
      <textarea id="compose-text" value={text} maxLength={3000} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={text.trim() === ''}>
        Post
      </button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}

function Card({ ev, me, go }: { ev: LiveEvent; me: Me | null; go: Go }) {
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
      <span class="actions">
        <a href={`/thread?uri=${encodeURIComponent(ev.uri)}`} onClick={follow(go, `/thread?uri=${encodeURIComponent(ev.uri)}`)}>
          Conversation
        </a>
        {me && ev.cid && <LikeButton ev={ev} />}
      </span>
    </li>
  );
}

export function NowView({ me, go }: { me: Me | null; go: Go }) {
  const { events, connected } = useLive();
  return (
    <section aria-labelledby="now-title">
      <h1 id="now-title">Now</h1>
      <p class="status" role="status">
        {connected ? 'Live' : 'Connecting…'} · {events.length} recent
      </p>
      {me && <Compose />}
      <ul class="stream" aria-live="polite">
        {events.map((ev) => (
          <Card key={`${ev.kind} ${ev.uri}`} ev={ev} me={me} go={go} />
        ))}
      </ul>
    </section>
  );
}
