// Reads a list's current members from its owner's repository: the owner's DID document names the
// PDS (through `Identities`), whose com.atproto.repo.listRecords pages through the owner's
// app.bsky.graph.listitem records, kept when their `list` is this list. Bounded: at most
// MAX_PAGES pages of 100 (an owner's items of every list are in one collection), each within
// TIMEOUT_MS, and READS_AT_ONCE reads at a time per replica (a replay after a restart asks for
// every list blocked in the look-back). Every read is counted by result. A list that is not there
// (its owner's DID unknown, no PDS in its document, no repository) has no members; a failure that
// may pass (the PLC or the PDS unreachable or erring) is logged and thrown, never fatal: ListBlocks
// reads again later and the consumer group redelivers the list block.
import { DID_SOURCE, isDid } from '@botsky/contracts';
import type { Identities } from '@botsky/identity';
import type { Counter, Logger } from '@botsky/kit';
import type { ListItemRecord, ReadList } from './list-blocks.ts';

const ITEM = 'app.bsky.graph.listitem';
const PAGE = 100;
const MAX_PAGES = 50;
const TIMEOUT_MS = 5000;
const READS_AT_ONCE = 4;
const LIST_URI = new RegExp(`^at://(${DID_SOURCE})/app\\.bsky\\.graph\\.list/[A-Za-z0-9._:~-]+$`);

export type ListReadResult = 'ok' | 'truncated' | 'not_a_list' | 'not_found' | 'no_pds' | 'error';

export class ListReadError extends Error {
  override readonly name = 'ListReadError';
  readonly result: ListReadResult;
  constructor(result: ListReadResult, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.result = result;
  }
}

export interface ListReaderDeps {
  identities: Pick<Identities, 'lookup'>;
  /** Reads by result. */
  reads: Counter<'result'>;
  logger: Logger;
}

export function createListReader(deps: ListReaderDeps): ReadList {
  const gate = limiter(READS_AT_ONCE);
  return (list) =>
    gate(async () => {
      try {
        const { items, result } = await readItems(deps.identities, list);
        deps.reads.inc({ result });
        if (result === 'truncated')
          deps.logger.warn(
            { list, items: items.length, pages: MAX_PAGES },
            'list members read in part: the owner has more list items than are read',
          );
        return items;
      } catch (err) {
        const result = err instanceof ListReadError ? err.result : 'error';
        deps.reads.inc({ result });
        deps.logger.warn({ err, list, result }, 'list members could not be read; retried later');
        throw err;
      }
    });
}

async function readItems(
  identities: Pick<Identities, 'lookup'>,
  list: string,
): Promise<{ items: ListItemRecord[]; result: ListReadResult }> {
  const owner = LIST_URI.exec(list)?.[1];
  // A list block of something that is no list, or of a list nobody hosts, blocks nobody.
  if (!owner) return { items: [], result: 'not_a_list' };
  const { pds, result } = await identities.lookup(owner);
  if (result === 'not_found') return { items: [], result: 'not_found' };
  if (!pds && result === 'error') throw new ListReadError('error', `the DID document of ${owner} could not be read`);
  if (!pds) return { items: [], result: 'no_pds' };
  const items: ListItemRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await listPage(pds, owner, cursor);
    if (body === undefined) return { items: [], result: 'not_found' };
    for (const r of body.records) {
      const v = r.value as { list?: unknown; subject?: unknown } | undefined;
      if (v?.list === list && typeof v.subject === 'string' && isDid(v.subject) && typeof r.uri === 'string')
        items.push({ uri: r.uri, subject: v.subject });
    }
    cursor = body.cursor;
    if (!cursor || body.records.length === 0) return { items, result: 'ok' };
  }
  return { items, result: 'truncated' };
}

interface Page {
  records: { uri?: unknown; value?: unknown }[];
  cursor: string | undefined;
}

/** One page of the owner's list items; undefined when the repository is not there (400). */
async function listPage(pds: string, repo: string, cursor: string | undefined): Promise<Page | undefined> {
  const url = new URL('/xrpc/com.atproto.repo.listRecords', pds);
  url.search = new URLSearchParams({ repo, collection: ITEM, limit: String(PAGE), ...(cursor ? { cursor } : {}) }).toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new ListReadError('error', `listRecords on ${url.origin} failed`, { cause: err });
  }
  if (res.status === 400) return undefined;
  if (!res.ok) throw new ListReadError('error', `listRecords on ${url.origin} answered ${res.status}`);
  const body = (await res.json().catch(() => undefined)) as { records?: unknown; cursor?: unknown } | undefined;
  if (!body || !Array.isArray(body.records)) throw new ListReadError('error', `listRecords on ${url.origin} answered no records`);
  return { records: body.records as Page['records'], cursor: typeof body.cursor === 'string' ? body.cursor : undefined };
}

/** Runs at most `n` of the functions given at once, the rest in turn (a finished one hands its slot on). */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
