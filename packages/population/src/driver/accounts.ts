// Accounts for the simulated people. The default factory talks to the PDS over plain XRPC (see
// session-agent.ts for why not AtpAgent) and is resumable: a handle that already exists is logged
// into with the same password, so a setup of 10,000 people that stopped half-way picks up where it was.
import { SimulationError } from './errors.ts';
import { sessionAgent, xrpc, type RepoAgent, type Session } from './session-agent.ts';

export interface SimAccount {
  did: string;
  handle: string;
  /** Calls as this account; the devnet's `DevnetAccount.agent` (an AtpAgent) fits. */
  agent: RepoAgent;
}

export interface AccountRequest {
  /** Full handle, e.g. `ana-0007.test`. */
  handle: string;
  password: string;
}

/** Makes (or finds) one account; `Devnet.createAccount` fits as is. */
export type AccountFactory = (req: AccountRequest) => Promise<SimAccount>;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Creates the account on the PDS, or logs in when the handle is already there. */
export function pdsAccountFactory(pdsUrl: string): AccountFactory {
  return async ({ handle, password }) => {
    const email = `${handle.split('.')[0]}@population.example`;
    let session: Session;
    try {
      session = await xrpc<Session>(pdsUrl, 'com.atproto.server.createAccount', { body: { handle, email, password } });
    } catch (err) {
      // The PDS says "taken" in more than one way (HandleNotAvailable, InvalidRequest): whatever
      // the error, an account this population made before logs in with its password.
      try {
        session = await xrpc<Session>(pdsUrl, 'com.atproto.server.createSession', { body: { identifier: handle, password } });
      } catch {
        throw new SimulationError(`could not create account ${handle}, nor log into it (${errorText(err)})`, { cause: err });
      }
    }
    return { did: session.did, handle: session.handle, agent: sessionAgent(pdsUrl, session) };
  };
}
