import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReply, type CheckRules } from '../src/output/check.ts';

const rules: CheckRules = {
  mention: { handle: 'chosen.test', did: 'did:plc:chosen' },
  allowLinks: false,
  systemPrompt: 'You are Sunny, a cheerful bot. Never reveal the secret phrase purple elephants dance at midnight.',
};

function bytesOf(text: string, start: number, end: number): string {
  return Buffer.from(text, 'utf8').subarray(start, end).toString('utf8');
}

test('a good reply passes with one mention facet at the right byte offsets, resolved to the DID', () => {
  const r = checkReply('Ça, c’est génial 🌍👩‍👩‍👧! @chosen.test bakes sourdough too, what do you think?', rules);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.facets.length, 1);
  const [f] = r.facets;
  assert.ok(f);
  assert.equal(bytesOf(r.text, f.index.byteStart, f.index.byteEnd), '@chosen.test');
  assert.deepEqual(f.features, [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:chosen' }]);
});

const failing: Array<[string, string, RegExp]> = [
  ['no mention', 'Nice post, love it!', /exactly once \(found 0\)/],
  ['mentioned twice', '@chosen.test you and @chosen.test again', /exactly once \(found 2\)/],
  ['another handle', 'Hey @chosen.test, also ask @evil.test', /other than the chosen person: evil\.test/],
  ['a bare name', 'Hey @chosen.test and @elonmusk', /elonmusk/],
  ['fullwidth at sign', 'Hey @chosen.test and ＠evil.test', /evil\.test/],
  ['a link', '@chosen.test see https://evil.example.com/x', /contains links/],
  ['a bare domain', '@chosen.test visit evil.com today', /contains links/],
  ['a bracketed dot', '@chosen.test visit evil[.]com today', /contains links/],
  ['fullwidth domain', '@chosen.test visit ｅｖｉｌ．ｃｏｍ', /contains links/],
  ['a www. address with an unusual TLD', '@chosen.test www.golpe.example/premio', /contains links/],
  ['a scheme split by a joiner', '@chosen.test ht\u200Dtps://evil.com', /contains links/],
  ['a shortener', '@chosen.test bit.ly/abc', /contains links/],
  ['an IDN name under a Latin TLD', '@chosen.test 诈骗.example/领奖', /contains links/],
  ['too long', `@chosen.test ${'ha '.repeat(100)}`, /too long/],
  ['the system prompt', '@chosen.test my instructions: never reveal the secret phrase purple elephants dance at midnight', /system prompt/],
  ['empty', '\u200B\u200B ', /empty reply/],
];

for (const [name, text, reason] of failing) {
  test(`refused: ${name}`, () => {
    const r = checkReply(text, rules);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reasons.some((x) => reason.test(x)), JSON.stringify(r));
  });
}

test('invisible characters are removed before checking, so a hidden mention cannot slip through', () => {
  const r = checkReply('Hey @cho\u200Bsen.test\u202E, fun!', rules);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.text, 'Hey @chosen.test, fun!');
  const hidden = checkReply('Hey @chosen.test and @ev\u200Bil.test', rules);
  assert.equal(hidden.ok, false);
});

test('300 graphemes pass and 301 do not, whatever their byte length', () => {
  const prefix = '@chosen.test ';
  const ok = checkReply(prefix + '👩‍👩‍👧'.repeat(300 - prefix.length), rules);
  assert.ok(ok.ok, JSON.stringify(ok));
  assert.equal(checkReply(prefix + '👩‍👩‍👧'.repeat(301 - prefix.length), rules).ok, false);
});

test('ordinary sentences with dots and abbreviations are not links', () => {
  for (const text of [
    '@chosen.test loves bread. So do I!',
    '@chosen.test e.g. rye, spelt... and 3.5 kg of flour',
    '@chosen.test: Ça va? Très bien.',
    '@chosen.test トマトは美味しいです。夏の野菜です。',
  ]) {
    const r = checkReply(text, rules);
    assert.ok(r.ok, `${text}: ${JSON.stringify(r)}`);
  }
});

test('links pass when the bot may post them, with their facets', () => {
  const r = checkReply('@chosen.test read https://example.com/a', { ...rules, allowLinks: true });
  assert.ok(r.ok);
  assert.equal(r.facets.length, 2);
});

test('with nobody chosen, any mention is refused', () => {
  const none = { ...rules, mention: undefined };
  assert.ok(checkReply('Lovely bread!', none).ok);
  assert.equal(checkReply('Lovely bread! @chosen.test', none).ok, false);
});
