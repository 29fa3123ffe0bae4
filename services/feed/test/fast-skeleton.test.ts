// Which getFeedSkeleton requests take the fast path: only plainly valid ones; everything else is
// left to xrpc-server's lexicon checks (feed.test.ts checks the errors over HTTP).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainParams } from '../src/handlers/fast-skeleton.ts';

const FEED = 'at://did:web:feed.test/app.bsky.feed.generator/botsky';
const path = (q: string) => `/xrpc/app.bsky.feed.getFeedSkeleton?${q}`;
const feed = `feed=${encodeURIComponent(FEED)}`;

test('plain requests take the fast path with their parameters', () => {
  assert.deepEqual(plainParams(path(feed), FEED), { feed: FEED });
  assert.deepEqual(plainParams(path(`${feed}&limit=30&cursor=a.b.c`), FEED), { feed: FEED, limit: 30, cursor: 'a.b.c' });
  assert.deepEqual(plainParams(path(`limit=100&${feed}`), FEED), { feed: FEED, limit: 100 });
  assert.deepEqual(plainParams(path(`${feed}&limit=1`), FEED), { feed: FEED, limit: 1 });
});

test('anything unusual is left to xrpc-server', () => {
  for (const q of [
    '',
    'feed=at://other',
    `${feed}&limit=0`,
    `${feed}&limit=101`,
    `${feed}&limit=030`,
    `${feed}&limit=3.5`,
    `${feed}&limit=`,
    `${feed}&limit=1&limit=2`,
    `${feed}&${feed}`,
    `${feed}&cursor=a&cursor=b`,
    `${feed}&other=1`,
  ])
    assert.equal(plainParams(path(q), FEED), undefined, q);
  assert.equal(plainParams('/xrpc/app.bsky.feed.getFeedSkeleton', FEED), undefined);
});
