// What the simulated accounts do on the devnet while the firehose is recorded: the mix of writes
// the live network sees (mostly likes, then follows, posts and reposts, some deletes, blocks,
// profile edits, a third-party collection, a few handle changes and deactivations).
import { RichText } from '@atproto/api';
import { TID } from '@atproto/common';
import type { DevnetAccount } from '@botsky/devnet';
import { type Random, pick, postText, profileText, replyText, statusEmoji, weighted } from './fixture-content.ts';

interface Ref {
  uri: string;
  cid: string;
}

interface PostRef extends Ref {
  root: Ref;
}

export interface Actor {
  account: DevnetAccount;
  handle: string;
  likes: string[];
  reposts: string[];
  follows: string[];
  posts: string[];
  /** Subjects this actor already liked, reposted or followed: the PDS would delete a duplicate. */
  done: Set<string>;
}

export interface World {
  random: Random;
  actors: Actor[];
  posts: PostRef[];
}

const now = (): string => new Date().toISOString();

export const ACTION_WEIGHTS = {
  like: 40,
  post: 10,
  reply: 6,
  repost: 9,
  follow: 11,
  block: 2,
  profile: 2,
  unlike: 2,
  deletePost: 1.5,
  unfollow: 1.5,
  unrepost: 0.5,
  status: 5,
  postWithGate: 1.5,
  handle: 0.4,
  deactivate: 0.2,
};

type Action = keyof typeof ACTION_WEIGHTS;

const ACTIONS: Record<Action, (w: World, a: Actor) => Promise<void>> = {
  like: async (w, a) => {
    const subject = fresh(w, a, 'like', w.posts);
    if (subject) a.likes.push((await a.account.agent.like(subject.uri, subject.cid)).uri);
  },
  post: async (w, a) => {
    const { text, langs } = postText(
      w.random,
      w.actors.map((x) => x.handle),
    );
    await publish(w, a, text, langs, undefined);
  },
  reply: async (w, a) => {
    const parent = pick(w.random, w.posts);
    const { text, langs } = replyText(w.random);
    await publish(w, a, text, langs, { root: parent.root, parent: { uri: parent.uri, cid: parent.cid } });
  },
  repost: async (w, a) => {
    const subject = fresh(w, a, 'repost', w.posts);
    if (subject) a.reposts.push((await a.account.agent.repost(subject.uri, subject.cid)).uri);
  },
  follow: async (w, a) => {
    const subject = fresh(
      w,
      a,
      'follow',
      w.actors.map((x) => ({ uri: x.account.did })),
    );
    if (subject) a.follows.push((await a.account.agent.follow(subject.uri)).uri);
  },
  block: async (w, a) => {
    const subject = pick(w.random, w.actors).account.did;
    await a.account.agent.app.bsky.graph.block.create({ repo: a.account.did }, { subject, createdAt: now() });
  },
  profile: async (w, a) => {
    const bot = w.random() < 0.3;
    const { displayName, description } = profileText(w.random, bot);
    const labels = bot ? { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'bot' }] } : undefined;
    await a.account.agent.upsertProfile((old) => ({ ...old, displayName, description, labels }));
  },
  unlike: (w, a) => removeOne(w, a.likes, (uri) => a.account.agent.deleteLike(uri)),
  deletePost: (w, a) => removeOne(w, a.posts, (uri) => a.account.agent.deletePost(uri)),
  unfollow: (w, a) => removeOne(w, a.follows, (uri) => a.account.agent.deleteFollow(uri)),
  unrepost: (w, a) => removeOne(w, a.reposts, (uri) => a.account.agent.deleteRepost(uri)),
  status: async (w, a) => {
    // A third-party app's record (the statusphere example app): BotSky must skip it cheaply.
    const record = { $type: 'xyz.statusphere.status', status: statusEmoji(w.random), createdAt: now() };
    await a.account.agent.com.atproto.repo.createRecord({ repo: a.account.did, collection: 'xyz.statusphere.status', record });
  },
  postWithGate: (w, a) => postWithThreadgate(w, a),
  handle: async (w, a) => {
    const handle = `${a.handle.split(/[.-]/)[0]}-${Math.floor(w.random() * 1e4)}.test`;
    await a.account.agent.com.atproto.identity.updateHandle({ handle });
    a.handle = handle;
  },
  deactivate: async (_w, a) => {
    await a.account.agent.com.atproto.server.deactivateAccount({});
    await a.account.agent.com.atproto.server.activateAccount();
  },
};

/** A subject this actor has not used for `kind` yet, if one turns up in a few tries. */
function fresh<T extends { uri: string }>(w: World, a: Actor, kind: string, from: readonly T[]): T | undefined {
  for (let i = 0; i < 8; i++) {
    const subject = pick(w.random, from);
    if (!a.done.has(`${kind} ${subject.uri}`)) {
      a.done.add(`${kind} ${subject.uri}`);
      return subject;
    }
  }
  return undefined;
}

export function runAction(w: World, a: Actor): Promise<void> {
  return ACTIONS[weighted(w.random, ACTION_WEIGHTS)](w, a);
}

/** Every account posts a few times first, so that likes, replies and reposts have subjects. */
export async function seedPost(w: World, a: Actor): Promise<void> {
  const { text, langs } = postText(
    w.random,
    w.actors.map((x) => x.handle),
  );
  await publish(w, a, text, langs, undefined);
}

async function publish(w: World, a: Actor, text: string, langs: string[], reply: { root: Ref; parent: Ref } | undefined): Promise<void> {
  const rt = new RichText({ text });
  // Resolves @handles to DIDs through the PDS and finds links and #tags, as the Bluesky app does.
  await rt.detectFacets(a.account.agent);
  const res = await a.account.agent.post({ text: rt.text, facets: rt.facets, langs, reply, createdAt: now() });
  a.posts.push(res.uri);
  w.posts.push({ uri: res.uri, cid: res.cid, root: reply?.root ?? { uri: res.uri, cid: res.cid } });
}

async function removeOne(w: World, uris: string[], remove: (uri: string) => Promise<void>): Promise<void> {
  if (uris.length === 0) return;
  const [uri] = uris.splice(Math.floor(w.random() * uris.length), 1);
  await remove(uri!);
  const i = w.posts.findIndex((p) => p.uri === uri);
  if (i >= 0) w.posts.splice(i, 1);
}

/** A post and its threadgate in one applyWrites call: one commit with two ops. */
async function postWithThreadgate(w: World, a: Actor): Promise<void> {
  const rkey = TID.nextStr();
  const { text, langs } = postText(w.random, []);
  const post = { $type: 'app.bsky.feed.post', text, langs, createdAt: now() };
  const uri = `at://${a.account.did}/app.bsky.feed.post/${rkey}`;
  const gate = {
    $type: 'app.bsky.feed.threadgate',
    post: uri,
    allow: [{ $type: 'app.bsky.feed.threadgate#mentionRule' }],
    createdAt: now(),
  };
  await a.account.agent.com.atproto.repo.applyWrites({
    repo: a.account.did,
    writes: [
      { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.post', rkey, value: post },
      { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.threadgate', rkey, value: gate },
    ],
  });
  a.posts.push(uri);
}

/** Bulk history, written before recording, so the repos' trees are as deep as real ones. */
export async function preloadLikes(w: World, a: Actor, count: number): Promise<void> {
  for (let done = 0; done < count; done += 200) {
    const writes = Array.from({ length: Math.min(200, count - done) }, () => {
      // Likes of posts that are not on this network: each subject is distinct, so the PDS keeps
      // them all, and none collides with a like recorded later.
      const cid = pick(w.random, w.posts).cid;
      const uri = `at://${pick(w.random, w.actors).account.did}/app.bsky.feed.post/${TID.nextStr()}`;
      const value = { $type: 'app.bsky.feed.like', subject: { uri, cid }, createdAt: now() };
      return { $type: 'com.atproto.repo.applyWrites#create' as const, collection: 'app.bsky.feed.like', rkey: TID.nextStr(), value };
    });
    await a.account.agent.com.atproto.repo.applyWrites({ repo: a.account.did, writes });
  }
}
