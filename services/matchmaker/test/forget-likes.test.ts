// A deleted post's words leave the profiles of the people who liked it, not only its author's
// (network-forget.ts with PostTexts' likers); the likers' own words stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '@botsky/kit';
import { seededRandom } from '@botsky/ratings';
import { forgottenCounter } from '../src/consumers/forget-rules.ts';
import { forgetPost } from '../src/consumers/network-forget.ts';
import { createMatchState } from '../src/match/state.ts';

test("deleting a liked post takes its words out of its likers' profiles; their own words stay", () => {
  const st = createMatchState(0, seededRandom(1));
  const forgotten = forgottenCounter(createMetrics({ service: 'matchmaker', defaultMetrics: false }));
  const author = 'did:plc:authoraaaaaaaaaaaaaaaaaaa';
  const liker = 'did:plc:likerbbbbbbbbbbbbbbbbbbbb';
  const uri = `at://${author}/app.bsky.feed.post/3kliked`;
  const other = `at://${author}/app.bsky.feed.post/3kkept`;
  st.texts.set(uri, 'zephyrine quokkavale kestrelmoor crag');
  st.texts.set(other, 'sourdough starter');
  st.people.observePost(author, 'zephyrine quokkavale kestrelmoor crag', 1);
  st.people.observePost(liker, 'marathon training plan', 1);
  st.people.observeLike(liker, st.texts.like(uri, liker), 2);
  st.people.observeLike(liker, st.texts.like(other, liker), 2);
  const termsOf = (did: string) => Object.keys(st.people.get(did)?.profile.toJSON() ?? {});
  assert.ok(termsOf(liker).includes('quokkavale'), "the like taught the liker the post's words");

  forgetPost(st, forgotten, author, uri);
  for (const did of [author, liker])
    for (const w of ['zephyrine', 'quokkavale', 'kestrelmoor']) assert.ok(!termsOf(did).includes(w), `${did} still has ${w}`);
  assert.ok(termsOf(liker).includes('marathon'), "the liker's own words stay");
  assert.ok(termsOf(liker).includes('sourdough'), 'so do the words of a post they liked that was not deleted');
  assert.deepEqual(st.texts.likersOf(uri), [], "the deleted post's likers are not kept either");
});
