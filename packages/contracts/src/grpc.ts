// gRPC for the services of proto/ with @grpc/grpc-js, driven by the protobuf-es descriptors the
// generator already emits: no second code generator and no .proto loading at run time. Only
// unary methods exist in the contracts, and only those are supported.

import {
  Metadata,
  makeGenericClientConstructor,
  status,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type Deadline,
  type MethodDefinition,
  type Server,
  type StatusObject,
  type ServerUnaryCall,
  type ServiceClientConstructor,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { create } from '@bufbuild/protobuf';
import type { DescMessage, DescMethod, DescService, Message, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { DecodeError, decode, encode } from './codec.ts';

/** Throw from a handler to answer with this status; any other error answers INTERNAL. */
export class GrpcStatusError extends Error {
  override readonly name = 'GrpcStatusError';
  readonly code: status;

  constructor(code: status, details: string, options?: { cause?: unknown }) {
    super(details, options);
    this.code = code;
  }
}

/** What a handler knows about its call besides the request. */
export interface GrpcCallContext {
  metadata: Metadata;
  peer: string;
  deadline: Deadline;
  /** Aborted when the caller cancels or its deadline passes: pass it on to the model call. */
  signal: AbortSignal;
}

export type GrpcUnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: GrpcCallContext,
) => Promise<MessageInitShape<O>> | MessageInitShape<O>;

/** One handler per method, keyed like the generated service (`getLeaderboard`, `generateReply`). */
export type GrpcHandlers<T extends GenServiceMethods> = {
  [K in keyof T]: GrpcUnaryHandler<T[K]['input'], T[K]['output']>;
};

export interface GrpcServeOptions {
  /** Sees every error a handler threw that was not a GrpcStatusError (the caller gets INTERNAL). */
  onError?: (err: unknown, method: string) => void;
}

export interface GrpcCallOptions {
  deadline?: Date | number;
  metadata?: Metadata;
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
}

/** Promise-based client: one method per RPC, plus the underlying grpc-js client. */
export type GrpcClient<T extends GenServiceMethods> = {
  [K in keyof T]: (request: MessageInitShape<T[K]['input']>, options?: GrpcCallOptions) => Promise<MessageShape<T[K]['output']>>;
} & { readonly raw: Client; close(): void };

/**
 * A grpc-js ServiceDefinition for a generated service: binary protobuf on the wire, paths as
 * protoc would name them (`/botsky.v1.LeaderboardService/GetLeaderboard`), keys in lowerCamelCase.
 * A malformed request throws DecodeError here, which grpc-js answers with INTERNAL; addGrpcService
 * answers INVALID_ARGUMENT instead.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<Message, Message>> = {};
  for (const method of unaryMethods(service)) definition[method.localName] = methodDefinition(method);
  return definition;
}

/** A grpc-js client class for a generated service (untyped methods; see createGrpcClient). */
export function grpcClientConstructor(service: DescService): ServiceClientConstructor {
  return makeGenericClientConstructor(grpcServiceDefinition(service), service.typeName);
}

/**
 * Serves a generated service on a grpc-js server. A request that does not decode is answered
 * INVALID_ARGUMENT before any handler runs; a handler's unexpected error is answered INTERNAL
 * without its message, which may hold internals.
 */
export function addGrpcService<T extends GenServiceMethods>(
  server: Server,
  service: GenService<T>,
  handlers: GrpcHandlers<T>,
  options: GrpcServeOptions = {},
): void {
  // grpc-js types definitions with `any` requests; ours are Message | DecodeError on the server.
  const definition: Record<string, ServiceDefinition[string]> = {};
  const implementation: Record<string, (call: ServerUnaryCall<unknown, Message>, cb: sendUnaryData<Message>) => void> = {};
  const byName = handlers as unknown as Record<string, GrpcUnaryHandler<DescMessage, DescMessage> | undefined>;
  for (const method of unaryMethods(service)) {
    const handler = byName[method.localName];
    if (typeof handler !== 'function') throw new TypeError(`no handler for ${service.typeName}.${method.name}`);
    definition[method.localName] = {
      ...methodDefinition(method),
      // Returned, not thrown, so the call reaches unaryHandler and gets INVALID_ARGUMENT.
      requestDeserialize: (bytes: Buffer) => decodeOrError(method.input, bytes),
    };
    implementation[method.localName] = unaryHandler(method, handler, options);
  }
  server.addService(definition, implementation);
}

/** A promise-based client for a generated service. */
export function createGrpcClient<T extends GenServiceMethods>(
  service: GenService<T>,
  address: string,
  credentials: ChannelCredentials,
  channelOptions?: Partial<ChannelOptions>,
): GrpcClient<T> {
  const Constructor = grpcClientConstructor(service);
  const raw = new Constructor(address, credentials, channelOptions);
  const client: Record<string, unknown> = { raw, close: () => raw.close() };
  for (const method of unaryMethods(service)) {
    client[method.localName] = (request: MessageInitShape<DescMessage>, options: GrpcCallOptions = {}) =>
      callUnary(raw, method, request, options);
  }
  return client as GrpcClient<T>;
}

function unaryMethods(service: DescService): DescMethod[] {
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') {
      throw new TypeError(`${service.typeName}.${method.name} is ${method.methodKind}; only unary methods are supported`);
    }
  }
  return service.methods;
}

function methodDefinition(method: DescMethod): MethodDefinition<Message, Message> {
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message) => toBuffer(encode(method.input, message)),
    requestDeserialize: (bytes) => decode(method.input, bytes),
    responseSerialize: (message) => toBuffer(encode(method.output, message)),
    responseDeserialize: (bytes) => decode(method.output, bytes),
    originalName: method.name,
  };
}

function unaryHandler(
  method: DescMethod,
  handler: GrpcUnaryHandler<DescMessage, DescMessage>,
  options: GrpcServeOptions,
): (call: ServerUnaryCall<unknown, Message>, callback: sendUnaryData<Message>) => void {
  return (call, callback) => {
    const request = call.request;
    if (request instanceof DecodeError) {
      callback({ code: status.INVALID_ARGUMENT, details: request.message });
      return;
    }
    const controller = new AbortController();
    call.once('cancelled', () => controller.abort());
    const context = { metadata: call.metadata, peer: call.getPeer(), deadline: call.getDeadline(), signal: controller.signal };
    Promise.resolve()
      .then(() => handler(request as Message, context))
      .then((response) => create(method.output, response))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServerError(err, method, options)),
      );
  };
}

function toServerError(err: unknown, method: DescMethod, options: GrpcServeOptions): Pick<StatusObject, 'code' | 'details'> {
  if (err instanceof GrpcStatusError) return { code: err.code, details: err.message };
  options.onError?.(err, `${method.parent.typeName}/${method.name}`);
  return { code: status.INTERNAL, details: 'internal error' };
}

function callUnary(raw: Client, method: DescMethod, request: MessageInitShape<DescMessage>, options: GrpcCallOptions): Promise<Message> {
  return new Promise((resolve, reject) => {
    const definition = methodDefinition(method);
    const callOptions = options.deadline === undefined ? {} : { deadline: options.deadline };
    const call = raw.makeUnaryRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      create(method.input, request),
      options.metadata ?? new Metadata(),
      callOptions,
      (err, response) => {
        options.signal?.removeEventListener('abort', cancel);
        if (err || response === undefined) reject(err ?? new Error('empty response'));
        else resolve(response);
      },
    );
    const cancel = () => call.cancel();
    if (options.signal?.aborted) cancel();
    else options.signal?.addEventListener('abort', cancel, { once: true });
  });
}

function decodeOrError(schema: DescMessage, bytes: Buffer): Message | DecodeError {
  try {
    return decode(schema, bytes);
  } catch (err) {
    return err instanceof DecodeError ? err : new DecodeError(schema.typeName, err);
  }
}

// Buffer over the same memory: encode() output is never reused, so no copy is needed.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
