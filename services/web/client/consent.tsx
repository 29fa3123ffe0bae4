// Consent in one place: where the person stands with BotSky (answered by bots, introduced to
// strangers, why, since when), and the switch, which follows or unfollows the project's account
// from their own account: the network is where consent lives, and matchmaker reads it there.
import { useEffect, useState } from 'preact/hooks';
import type { ConsentPageView as ConsentView } from '../src/handlers/consent-view.ts';
import type { HeldAboutYou } from '../src/live/decisions-view.ts';
import { act } from './session.ts';

export function ConsentPage() {
  const [view, setView] = useState<ConsentView>();
  const [status, setStatus] = useState<string>();
  const load = () =>
    act<ConsentView>('GET', '/api/consent')
      .then(setView)
      .catch((err: Error) => setStatus(err.message));
  useEffect(() => void load(), []);
  const change = async (to: 'in' | 'out') => {
    try {
      await act('POST', `/api/consent/${to}`);
      setStatus(
        to === 'in'
          ? 'You follow the project account now; bots may answer you within a minute.'
          : 'You unfollowed the project account; bots stop answering you.',
      );
      setTimeout(() => void load(), 3000);
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  if (!view)
    return (
      <section>
        <h1>Your consent</h1>
        <p role="status">{status ?? 'Loading…'}</p>
      </section>
    );
  return (
    <section aria-labelledby="consent-title">
      <h1 id="consent-title">Your consent</h1>
      <dl class="facts">
        <dt>Bots may answer you</dt>
        <dd data-consent="answered">{view.answered ? 'yes' : 'no'}</dd>
        <dt>You may be introduced to others</dt>
        <dd data-consent="introduced">{view.introduced ? 'yes' : 'no'}</dd>
        <dt>Because</dt>
        <dd>
          {view.reason}
          {view.since ? `, since ${new Date(view.since).toLocaleString()}` : ''}
        </dd>
        <dt>Bots you block</dt>
        <dd>{view.blockedBots}</dd>
      </dl>
      <p class="note">
        Opting in follows BotSky's account from yours; opting out unfollows it. Replying "stop" to a bot, or blocking it, works too.
      </p>
      <p class="actions">
        {!view.answered && view.projectDid && (
          <button type="button" onClick={() => change('in')}>
            Opt in
          </button>
        )}
        {view.followUri && (
          <button type="button" onClick={() => change('out')}>
            Opt out
          </button>
        )}
      </p>
      {status && <p role="status">{status}</p>}
      <Held held={view.held} />
    </section>
  );
}

/** matchmaker's reasons for leaving a post unanswered, in words (others are shown as they come). */
const SKIPPED: Record<string, string> = {
  opted_out: 'you opted out',
  stop: 'you asked the bots to stop',
  not_opted_in: 'you had not opted in',
  inactive: 'you were not active lately',
  labelled: 'the post carries a label',
  too_old: 'the post was too old when seen',
  bot_account: 'your account is a bot',
};

/** What BotSky holds about the person: matchmaker's decisions about their posts, their interests as it profiled them. */
function Held({ held }: { held: HeldAboutYou }) {
  return (
    <section aria-labelledby="held-title">
      <h2 id="held-title">What BotSky holds about you</h2>
      <dl class="facts">
        <dt>Your interests, as the matchmaker sees them</dt>
        <dd data-held="interests">{held.interests.length > 0 ? held.interests.join(', ') : 'none seen yet'}</dd>
        <dt>Considered for an introduction</dt>
        <dd>
          {held.considered} times, introduced {held.chosen}
        </dd>
      </dl>
      {held.decisions.length === 0 ? (
        <p class="note">No decision about your posts seen yet.</p>
      ) : (
        <table class="decisions">
          <caption>The matchmaker's recent decisions about your posts</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Decision</th>
              <th scope="col">Why</th>
              <th scope="col">Bots</th>
              <th scope="col">Introduced</th>
            </tr>
          </thead>
          <tbody>
            {held.decisions.map((d) => (
              <tr key={d.postUri} data-post={d.postUri} data-verdict={d.verdict}>
                <td>{new Date(d.decidedAt).toLocaleTimeString()}</td>
                <td>{d.verdict === 'dispatched' ? 'answered' : 'not answered'}</td>
                <td>{d.verdict === 'skipped' ? (SKIPPED[d.reason] ?? d.reason) : d.reason}</td>
                <td>{d.botIds.join(', ') || '—'}</td>
                <td>{d.introducedHandle ? `@${d.introducedHandle}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
