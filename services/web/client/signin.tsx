// Sign in with an app password on the person's own server (bsky.social unless they name theirs).
// The password goes to that server through the web service and is not kept.
import { useEffect, useState } from 'preact/hooks';
import type { Go } from './nav.ts';
import { act, type Me } from './session.ts';

export function SignInView({ go, onSignedIn }: { go: Go; onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const service = String(form.get('service') ?? '').trim();
    setBusy(true);
    try {
      const me = await act<Me>('POST', '/api/session', {
        identifier: String(form.get('identifier') ?? ''),
        password: String(form.get('password') ?? ''),
        ...(service ? { service } : {}),
      });
      onSignedIn(me);
      go('/');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form class="signin" method="get" action="/api/oauth/login">
        <label>
          Your handle
          <input name="handle" autocomplete="username" placeholder="you.bsky.social" required />
        </label>
        <button type="submit">Sign in with your Bluesky account</button>
        <p class="note">Your own server asks you to authorize BotSky; BotSky never sees your password.</p>
      </form>
      <h2>Or with an app password</h2>
      <p class="note">
        For servers without OAuth: an app password (Settings → Privacy and security → App passwords in Bluesky), never your main password.
      </p>
      <form class="signin" onSubmit={submit}>
        <label>
          Handle or DID
          <input name="identifier" autocomplete="username" required />
        </label>
        <label>
          App password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <label>
          Server (optional)
          <input name="service" type="url" placeholder="https://bsky.social" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <SignUp go={go} onSignedIn={onSignedIn} />
    </section>
  );
}

/** "New here": an account on this BotSky's own server, where the operator offers one (the demo's local network). */
function SignUp({ go, onSignedIn }: { go: Go; onSignedIn: (me: Me) => void }) {
  const [offer, setOffer] = useState<{ enabled: boolean; service: string | null }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    fetch('/api/signup')
      .then((r) => (r.ok ? (r.json() as Promise<{ enabled: boolean; service: string | null }>) : undefined))
      .then(setOffer)
      .catch(() => setOffer(undefined));
  }, []);
  if (!offer?.enabled) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    try {
      const me = await act<Me>('POST', '/api/signup', {
        handle: String(form.get('handle') ?? ''),
        password: String(form.get('password') ?? ''),
      });
      onSignedIn(me);
      go('/consent');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <h2>New here? Make an account</h2>
      <p class="note">
        An account on this network's own server ({offer.service}), to join the conversation; then opt in on the consent page.
      </p>
      <form class="signin" onSubmit={submit}>
        <label>
          New handle
          <input name="handle" autocomplete="username" placeholder="you.test" required />
        </label>
        <label>
          New password
          <input name="password" type="password" autocomplete="new-password" minLength={8} required />
        </label>
        <button type="submit">Make the account</button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </>
  );
}
