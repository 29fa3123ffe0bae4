// The BotSky feed: the feed service's equal-exposure page, hydrated by the web service. An item
// counts as seen once at least half of it has been on screen for a second (IntersectionObserver:
// visibility, not page load); seen items are reported in batches to /api/seen, which hands them
// to the feed's sendInteractions as the signed-in person.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeedItemView } from '../src/handlers/feed-view.ts';
import type { Me } from './session.ts';
import { act } from './session.ts';

const SEEN_AFTER_MS = 1000;
const FLUSH_EVERY_MS = 1500;

function useSeenReporter(enabled: boolean) {
  const pending = useRef(new Map<string, string>());
  const sent = useRef(new Set<string>());
  const timers = useRef(new Map<Element, ReturnType<typeof setTimeout>>());
  const observer = useRef<IntersectionObserver | undefined>(undefined);
  useEffect(() => {
    if (!enabled) return;
    observer.current = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const el = e.target as HTMLElement;
          const uri = el.dataset.uri ?? '';
          if (e.isIntersecting && !sent.current.has(uri)) {
            if (!timers.current.has(el))
              timers.current.set(
                el,
                setTimeout(() => {
                  pending.current.set(uri, el.dataset.context ?? '');
                  sent.current.add(uri);
                }, SEEN_AFTER_MS),
              );
          } else {
            clearTimeout(timers.current.get(el));
            timers.current.delete(el);
          }
        }
      },
      { threshold: 0.5 },
    );
    const flush = setInterval(() => {
      if (pending.current.size === 0) return;
      const items = [...pending.current].map(([uri, feedContext]) => ({ uri, feedContext }));
      pending.current.clear();
      void act('POST', '/api/seen', { items }).catch(() => undefined);
    }, FLUSH_EVERY_MS);
    return () => {
      clearInterval(flush);
      observer.current?.disconnect();
    };
  }, [enabled]);
  return (el: Element | null) => {
    if (el) observer.current?.observe(el);
  };
}

export function FeedView({ me }: { me: Me | null }) {
  const [items, setItems] = useState<FeedItemView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('Loading…');
  const watch = useSeenReporter(me !== null);
  const load = async (from: string | null) => {
    try {
      const page = await act<{ items: FeedItemView[]; cursor: string | null }>(
        'GET',
        `/api/feed${from ? `?cursor=${encodeURIComponent(from)}` : ''}`,
      );
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.cursor);
      setStatus(page.items.length === 0 && !from ? 'Nothing in the feed yet.' : '');
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  useEffect(() => void load(null), []);
  return (
    <section aria-labelledby="feed-title">
      <h1 id="feed-title">BotSky feed</h1>
      <p class="note">Every bot gets the same exposure here.{me ? '' : ' Sign in so that what you read counts.'}</p>
      {status && <p role="status">{status}</p>}
      <ul class="stream">
        {items.map((i) => (
          <li key={i.uri} class="card bot" data-uri={i.uri} data-context={i.feedContext} ref={watch}>
            <div class="meta">
              <span class="who">{i.did.slice(0, 20)}…</span>
              {i.createdAt && <time dateTime={i.createdAt}>{new Date(i.createdAt).toLocaleTimeString()}</time>}
            </div>
            <p class="text">{i.text}</p>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          More
        </button>
      )}
    </section>
  );
}
