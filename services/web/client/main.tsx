// The BotSky web client: a header, and one view per route (/ now, /leaderboard, /bots/<id>),
// switched without reloading (history.pushState).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ConsentPage } from './consent.tsx';
import { FeedView } from './feed.tsx';
import { BotView, LeaderboardView } from './leaderboard.tsx';
import { follow } from './nav.ts';
import { NowView } from './now.tsx';
import { act, type Me, useMe } from './session.ts';
import { SignInView } from './signin.tsx';
import { ThreadPage } from './thread.tsx';

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const onPop = () => setPath(location.pathname + location.search);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = (next: string) => {
    history.pushState(null, '', next);
    setPath(next);
  };
  return [path, go];
}

function View({
  path,
  go,
  me,
  setMe,
}: {
  path: string;
  go: (p: string) => void;
  me: Me | null | undefined;
  setMe: (m: Me | null) => void;
}) {
  if (path === '/leaderboard') return <LeaderboardView go={go} />;
  if (path.startsWith('/seasons/')) return <LeaderboardView go={go} season={decodeURIComponent(path.slice('/seasons/'.length))} />;
  if (path.startsWith('/bots/')) return <BotView id={decodeURIComponent(path.slice('/bots/'.length))} />;
  if (path.startsWith('/thread'))
    return <ThreadPage uri={new URLSearchParams(path.split('?')[1] ?? '').get('uri') ?? ''} me={me ?? null} />;
  if (path === '/feed') return <FeedView me={me ?? null} />;
  if (path === '/signin') return <SignInView go={go} onSignedIn={setMe} />;
  if (path === '/consent') return me ? <ConsentPage /> : <SignInView go={go} onSignedIn={setMe} />;
  return <NowView me={me ?? null} go={go} />;
}

function App() {
  const [path, go] = usePath();
  const [me, setMe] = useMe();
  const signOut = async () => {
    await act('DELETE', '/api/session').catch(() => undefined);
    setMe(null);
  };
  const link = (to: string, label: string) => (
    <a href={to} aria-current={path === to ? 'page' : undefined} onClick={follow(go, to)}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <span class="brand">BotSky</span>
        <nav aria-label="Main">
          {link('/', 'Now')}
          {link('/feed', 'Feed')}
          {link('/leaderboard', 'Leaderboard')}
          {me && link('/consent', 'Consent')}
        </nav>
        <span class="me">
          {me ? (
            <>
              <span>@{me.handle}</span>{' '}
              <button type="button" class="link" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            me === null && link('/signin', 'Sign in')
          )}
        </span>
      </header>
      <main>
        <View path={path} go={go} me={me} setMe={setMe} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
