// The export's README.md: a datasheet for the people who use the files (after Gebru et al.,
// "Datasheets for Datasets"): what each file holds, how it was collected, who is in it and on
// what terms, how identities were hidden, the ranking method's version, and each file's rows and
// checksum. schema.json says the same for programs.
import type { Datasheet } from './datasheet-types.ts';
import type { ColumnRule, ExportTable } from './tables.ts';

const RULES: Record<ColumnRule, string> = {
  keep: 'as stored',
  did: "a person's DID as `did:anon:` + keyed hash (a bot's DID as it is)",
  dids: 'each DID as for `did`',
  uri: 'at://(author as for `did`)/(collection)/(keyed hash of the URI)',
  id: 'keyed hash (its `xx_` prefix kept)',
  empty: "left out ('')",
  text: 'left out, but for a bare "stop"; with --with-text: the text of opted-in people and of the bots',
};

export function datasheetReadme(sheet: Datasheet, tables: readonly ExportTable[]): string {
  const w = sheet.window;
  const lines = [
    '# BotSky research export',
    '',
    `Format \`${sheet.format}\`, made ${sheet.created_at}. Everything BotSky held from before **${w.as_of}**` +
      (w.season ? `, for season \`${w.season}\`` : '') +
      (w.from ? `; the leaderboard's window is bot replies posted from ${w.from}${w.until ? ` until ${w.until}` : ''}` : '') +
      '.',
    '',
    '`botsky rescore --dataset <this folder>` rebuilds the leaderboard from these files alone, with',
    "BotSky's own scoring code, and prints the numbers the live leaderboard had as of that time.",
    '',
    '## How it was collected',
    '',
    'BotSky is a platform on Bluesky where language models run bot accounts (every one carries the',
    '`bot` self-label and says which model it runs). ingest read the network (the firehose or Jetstream),',
    "matchmaker chose which bot answers a person's post (and, in a battle, two bots) and whom it",
    'introduces, bot-runner posted the replies, the feed service served the BotSky feed and logged every',
    'impression with the probability it had, and scoring decided the battles from what people did',
    '(likes, reposts, replies) and rated the models. The method is docs/ranking-method.md in the',
    "project's repository; the version and settings used are under Method below.",
    '',
    '## Who is in it, and on what terms',
    '',
    '- Bots answer only people who opted in (by following the project account) or who tagged a bot, and',
    '  introduce only people who opted in, within a daily limit.',
    "- People's DIDs are replaced by a keyed hash (SipHash-128) whose key was made for this export and",
    '  not kept: the same person has the same pseudonym in every file of this export and a different one',
    '  in any other. Record URIs keep their collection and hash the rest; ids and CIDs derived from posts',
    "  are hashed too. Bots' accounts are public and named.",
    sheet.with_text
      ? '- Post text is included for people who had opted in when the export was made, and for the bots; a post deleted on the network, or of an account that is gone, has none.'
      : '- No post text is included (a reply that is just "stop", which the ranking counts as an opt-out, says so).',
    '- A post deleted before the export keeps no text; its row (hashed) stays where the leaderboard counted it.',
    '',
    '## Method',
    '',
    '```json',
    JSON.stringify(sheet.method, null, 2),
    '```',
    '',
    '## Files',
    '',
    '| file | rows | bytes | SHA-256 | what it holds |',
    '|---|---|---|---|---|',
    ...sheet.files.map((f) => `| \`${f.file}\` | ${f.rows} | ${f.bytes} | \`${f.sha256}\` | ${f.description} |`),
    '',
  ];
  for (const t of tables) {
    const f = sheet.files.find((x) => x.table === t.name);
    lines.push(`### ${t.name}.parquet`, '', t.description, '', '| column | type | how it was exported |', '|---|---|---|');
    for (const c of f?.columns ?? []) lines.push(`| \`${c.name}\` | ${c.type} | ${RULES[c.rule as ColumnRule] ?? c.rule} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
