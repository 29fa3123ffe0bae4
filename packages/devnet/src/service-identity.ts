import { Client, didForCreateOp, signOperation } from '@did-plc/lib';
import { Secp256k1Keypair } from '@atproto/crypto';

/** A DID service entry, e.g. { bsky_fg: { type: 'BskyFeedGenerator', endpoint } }. */
export type ServiceEndpoints = Record<string, { type: string; endpoint: string }>;

export interface ServiceIdentity {
  readonly did: string;
  /** Signs the service's JWTs and is the DID's rotation key. */
  readonly key: Secp256k1Keypair;
}

/**
 * Registers a did:plc for a service (an AppView, a feed generator) in the devnet's PLC, so that
 * the PDS and AppView find its endpoint the way they would on the real network.
 */
export async function createServiceIdentity(plcUrl: string, services: ServiceEndpoints): Promise<ServiceIdentity> {
  const key = await Secp256k1Keypair.create({ exportable: true });
  const op = await signOperation(
    {
      type: 'plc_operation',
      verificationMethods: { atproto: key.did() },
      rotationKeys: [key.did()],
      alsoKnownAs: [],
      services,
      prev: null,
    },
    key,
  );
  const did = await didForCreateOp(op);
  await new Client(plcUrl).sendOperation(did, op);
  return { did, key };
}
