// A conversation: the thread around a post as BotSky has seen it, each reply under its parent,
// bots marked as bots; a signed-in person can answer the post from here.
import { useEffect, useState } from 'preact/hooks';
import type { ThreadView } from '../src/live/thread-view.ts';
import { act, type Me } from './session.ts';

export function ThreadPage({ uri, me }: { uri: string; me: Me | null }) {
  const [view, setView] = useState<ThreadView>();
  const [status, setStatus] = useState<string>();
  const [text, setText] = useState('');
  const load = () =>
    act<ThreadView>('GET', `/api/thread?uri=${encodeURIComponent(uri)}`)
      .then(setView)
      .catch((err: Error) => setStatus(err.message));
  useEffect(() => void load(), [uri]);
  const root = view?.posts[0];
  const focus = view?.posts.find((p) => p.uri === uri);
  const answer = async (e: Event) => {
    e.preventDefault();
    if (!root || !focus) return;
    try {
      await act('POST', '/api/post', {
        text,
        replyTo: { root: { uri: root.uri, cid: root.cid }, parent: { uri: focus.uri, cid: focus.cid } },
      });
      setText('');
      setStatus('Replied: it appears here once the network has it.');
      setTimeout(() => void load(), 2000);
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="thread-title">
      <h1 id="thread-title">Conversation</h1>
      {!view && <p role="status">{status ?? 'Loading…'}</p>}
      <ul class="stream thread">
        {(view?.posts ?? []).map((p) => (
          <li
            key={p.uri}
            class={p.kind === 'reply' ? 'card bot' : 'card'}
            data-uri={p.uri}
            style={{ marginLeft: `${Math.min(p.depth, 6)}rem` }}
            aria-current={p.uri === uri ? 'true' : undefined}
          >
            <div class="meta">
              <span class="who">{p.kind === 'reply' ? p.botId : p.did}</span>
              {p.kind === 'reply' && (
                <span class="badge">
                  bot · {p.model} · {p.provider}
                </span>
              )}
            </div>
            <p class="text">{p.text}</p>
          </li>
        ))}
      </ul>
      {me && focus && (
        <form class="compose" onSubmit={answer}>
          <label for="reply-text">Answer this post</label>
          <textarea
            id="reply-text"
            value={text}
            maxLength={3000}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <button type="submit" disabled={text.trim() === ''}>
            Reply
          </button>
        </form>
      )}
      {view && status && <p role="status">{status}</p>}
    </section>
  );
}
