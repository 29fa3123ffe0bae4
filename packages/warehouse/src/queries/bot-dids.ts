/** The DIDs of every bot account that posted a reply (the authority of its replies' at:// URIs), as a subquery. */
export function botDids(db: string): string {
  return `(SELECT DISTINCT splitByChar('/', reply_uri)[3] FROM ${db}.bot_replies WHERE reply_uri != '')`;
}
