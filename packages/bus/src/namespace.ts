// A namespace lets several deployments (and every test) share one NATS server without seeing
// each other's messages: it prefixes subjects, stream names and KV buckets. Consumer names are
// left alone because a consumer lives inside its (already prefixed) stream.

import { BusConfigError } from './errors.ts';

const VALID = /^[A-Za-z0-9_-]{1,40}$/;

export interface Namespace {
  readonly name: string | undefined;
  subject(logical: string): string;
  logicalSubject(physical: string): string;
  stream(logical: string): string;
  logicalStream(physical: string): string;
  bucket(logical: string): string;
}

export function createNamespace(name: string | undefined): Namespace {
  if (name === undefined || name === '') return identity;
  if (!VALID.test(name)) {
    throw new BusConfigError(`namespace "${name}" must be 1-40 characters of A-Z, a-z, 0-9, _ or -`);
  }
  const subjectPrefix = `${name}.`;
  const namePrefix = `${name}_`;
  return {
    name,
    subject: (s) => subjectPrefix + s,
    logicalSubject: (s) => (s.startsWith(subjectPrefix) ? s.slice(subjectPrefix.length) : s),
    stream: (s) => namePrefix + s,
    logicalStream: (s) => (s.startsWith(namePrefix) ? s.slice(namePrefix.length) : s),
    bucket: (b) => namePrefix + b,
  };
}

const same = (s: string) => s;
const identity: Namespace = {
  name: undefined,
  subject: same,
  logicalSubject: same,
  stream: same,
  logicalStream: same,
  bucket: same,
};
