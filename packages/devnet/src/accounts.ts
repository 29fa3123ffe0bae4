import { AtpAgent } from '@atproto/api';
import { DevnetAccountError } from './errors.ts';
import { HANDLE_DOMAIN } from './pds.ts';

export interface AccountInput {
  /** "alice" or "alice.test"; a bare name gets the devnet's handle domain. */
  handle: string;
  /** Defaults to <name>@devnet.example: the PDS wants one, nothing reads it. */
  email?: string;
  password: string;
}

export interface DevnetAccount {
  readonly did: string;
  readonly handle: string;
  readonly password: string;
  readonly accessJwt: string;
  readonly refreshJwt: string;
  /** Logged in as this account against the devnet PDS. */
  readonly agent: AtpAgent;
}

export interface CreateAccountsOptions {
  /** Handles are <prefix><n>.test with n counting up per network. Default "user". */
  prefix?: string;
  /** Shared by every account made in the batch. Default "password". */
  password?: string;
  /** Accounts in flight at once; each costs a password hash and a PLC operation. Default 4. */
  concurrency?: number;
}

export function fullHandle(handle: string): string {
  return handle.includes('.') ? handle.toLowerCase() : `${handle.toLowerCase()}${HANDLE_DOMAIN}`;
}

export async function createAccount(pdsUrl: string, input: AccountInput): Promise<DevnetAccount> {
  const handle = fullHandle(input.handle);
  const email = input.email ?? `${handle.split('.')[0]}@devnet.example`;
  const agent = new AtpAgent({ service: pdsUrl });
  try {
    await agent.createAccount({ handle, email, password: input.password });
  } catch (err) {
    throw new DevnetAccountError(`could not create account ${handle}`, { cause: err });
  }
  const session = agent.session;
  if (!session) throw new DevnetAccountError(`no session after creating ${handle}`);
  const { did, accessJwt, refreshJwt } = session;
  return { did, handle: session.handle, password: input.password, accessJwt, refreshJwt, agent };
}
