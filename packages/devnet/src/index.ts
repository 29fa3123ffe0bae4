export { startDevnet, type Devnet, type DevnetLogger, type DevnetOptions, type SecondPds } from './devnet.ts';
export {
  fullHandle,
  type AccountInput,
  type CreateAccountsOptions,
  type DevnetAccount,
} from './accounts.ts';
export { createDevnetIdResolver, DevnetHandleResolver } from './id-resolver.ts';
export {
  DevnetAccountError,
  DevnetConfigError,
  DevnetError,
  DevnetStartError,
  DevnetStopError,
} from './errors.ts';
export { HANDLE_DOMAIN } from './pds.ts';
export { DEFAULT_POSTGRES_URL, type AppViewOptions } from './appview.ts';
export {
  createServiceIdentity,
  type ServiceEndpoints,
  type ServiceIdentity,
} from './service-identity.ts';
