// A real grpc-js server on 127.0.0.1 serving both services of the contracts, called over the
// network with the helpers' clients.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Server, ServerCredentials, credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  BotService,
  GenerateReplyRequestSchema,
  GenerateReplyResponseSchema,
  LeaderboardService,
  RatingMethod,
  create,
  equals,
  type GenerateReplyRequest,
} from '../src/index.ts';
import { GrpcStatusError, addGrpcService, createGrpcClient, grpcClientConstructor, grpcServiceDefinition } from '../src/grpc.ts';
import { generateReplyRequest } from './samples.ts';

const server = new Server();
const received: GenerateReplyRequest[] = [];
const handlerErrors: unknown[] = [];
const serverAborts: string[] = [];
let address = '';

before(async () => {
  addGrpcService(
    server,
    BotService,
    {
      generateReply(request, context) {
        received.push(request);
        if (request.taskId === 'slow') {
          return new Promise((_, reject) =>
            context.signal.addEventListener('abort', () => {
              serverAborts.push(request.taskId);
              reject(new GrpcStatusError(status.CANCELLED, 'cancelled'));
            }),
          );
        }
        if (request.taskId === 'refuse') throw new GrpcStatusError(status.FAILED_PRECONDITION, 'no mention target');
        if (request.taskId === 'crash') throw new Error('secret internals');
        const handle = request.constraints?.mentionHandle ?? '';
        return { text: `Hi @${handle}, meet @${request.author?.handle}!`, model: 'echo-1', tokensIn: 10, tokensOut: 5, costUsd: 0.5 };
      },
    },
    { onError: (err) => handlerErrors.push(err) },
  );
  addGrpcService(server, LeaderboardService, {
    getLeaderboard: async (request) => ({
      entries: [{ botId: 'a', rank: 1, bradleyTerry: { value: 1010, ci95Lo: 990, ci95Hi: 1030 } }],
      computedAtUs: 42n,
      ruleVersion: `order=${request.orderBy} limit=${request.limit}`,
    }),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  address = `127.0.0.1:${port}`;
});

after(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));

test('BotService.GenerateReply round-trips through a real server', async () => {
  const client = createGrpcClient(BotService, address, credentials.createInsecure());
  try {
    const request = generateReplyRequest('rt_round_trip');
    const reply = await client.generateReply(request, { deadline: Date.now() + 5000 });
    assert.equal(reply.$typeName, 'botsky.v1.GenerateReplyResponse');
    assert.equal(reply.text, 'Hi @bob.test, meet @alice.test!');
    assert.equal(reply.model, 'echo-1');
    assert.equal(reply.tokensOut, 5);
    const seen = received.find((r) => r.taskId === 'rt_round_trip');
    assert.ok(seen && equals(GenerateReplyRequestSchema, seen, request), 'server saw the request unchanged');
  } finally {
    client.close();
  }
});

test('LeaderboardService.GetLeaderboard round-trips, int64 included', async () => {
  const client = createGrpcClient(LeaderboardService, address, credentials.createInsecure());
  try {
    const board = await client.getLeaderboard({ orderBy: RatingMethod.ELO, limit: 5 });
    assert.equal(board.computedAtUs, 42n);
    assert.equal(board.ruleVersion, `order=${RatingMethod.ELO} limit=5`);
    assert.equal(board.entries[0]?.bradleyTerry?.ci95Hi, 1030);
  } finally {
    client.close();
  }
});

test('the definition uses protoc paths, and the generic client constructor works', async () => {
  const definition = grpcServiceDefinition(LeaderboardService);
  assert.equal(definition.getLeaderboard?.path, '/botsky.v1.LeaderboardService/GetLeaderboard');
  assert.equal(grpcServiceDefinition(BotService).generateReply?.path, '/botsky.v1.BotService/GenerateReply');
  const Constructor = grpcClientConstructor(BotService);
  const raw = new Constructor(address, credentials.createInsecure());
  try {
    const generateReply = raw.GenerateReply?.bind(raw);
    assert.ok(generateReply, 'the client has a method named like the RPC');
    const reply = await new Promise((resolve, reject) => {
      generateReply(generateReplyRequest(), (err: ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
    });
    assert.ok(
      equals(
        GenerateReplyResponseSchema,
        reply as never,
        create(GenerateReplyResponseSchema, {
          text: 'Hi @bob.test, meet @alice.test!',
          model: 'echo-1',
          tokensIn: 10,
          tokensOut: 5,
          costUsd: 0.5,
        }),
      ),
    );
  } finally {
    raw.close();
  }
});

test('a malformed request payload is answered INVALID_ARGUMENT, and the server keeps serving', async () => {
  const raw = new Client(address, credentials.createInsecure());
  const before = received.length;
  try {
    const err = await new Promise<ServiceError>((resolve, reject) => {
      raw.makeUnaryRequest(
        '/botsky.v1.BotService/GenerateReply',
        () => Buffer.from([0x0a, 0x05, 0x61]), // field 1 claims 5 bytes, has 1
        (bytes: Buffer) => bytes,
        {},
        (e, res) => (e ? resolve(e) : reject(new Error(`expected an error, got ${String(res)}`))),
      );
    });
    assert.equal(err.code, status.INVALID_ARGUMENT);
    assert.match(err.details, /malformed botsky\.v1\.GenerateReplyRequest/);
    assert.equal(received.length, before, 'the handler never ran');
  } finally {
    raw.close();
  }
  const client = createGrpcClient(BotService, address, credentials.createInsecure());
  try {
    assert.equal((await client.generateReply(generateReplyRequest('after-garbage'))).model, 'echo-1');
  } finally {
    client.close();
  }
});

test('handler errors: GrpcStatusError keeps its code, anything else is INTERNAL without internals', async () => {
  const client = createGrpcClient(BotService, address, credentials.createInsecure());
  try {
    await assert.rejects(client.generateReply(generateReplyRequest('refuse')), (err: ServiceError) => {
      assert.equal(err.code, status.FAILED_PRECONDITION);
      assert.equal(err.details, 'no mention target');
      return true;
    });
    await assert.rejects(client.generateReply(generateReplyRequest('crash')), (err: ServiceError) => {
      assert.equal(err.code, status.INTERNAL);
      assert.doesNotMatch(err.details, /secret/);
      return true;
    });
    assert.ok(
      handlerErrors.some((e) => e instanceof Error && e.message === 'secret internals'),
      'onError saw it',
    );
  } finally {
    client.close();
  }
});

test('a client call can be cancelled with an AbortSignal', async () => {
  const client = createGrpcClient(BotService, address, credentials.createInsecure());
  try {
    const aborted = AbortSignal.abort();
    await assert.rejects(client.generateReply(generateReplyRequest(), { signal: aborted }), (err: ServiceError) => {
      assert.equal(err.code, status.CANCELLED);
      return true;
    });
  } finally {
    client.close();
  }
});

test('addGrpcService refuses a service with a missing handler', () => {
  assert.throws(() => addGrpcService(new Server(), BotService, {} as never), /no handler for botsky\.v1\.BotService\.GenerateReply/);
});

test("a cancelled call aborts the handler's signal on the server", async () => {
  const client = createGrpcClient(BotService, address, credentials.createInsecure());
  try {
    const controller = new AbortController();
    const call = client.generateReply(generateReplyRequest('slow'), { signal: controller.signal });
    while (!received.some((r) => r.taskId === 'slow')) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await assert.rejects(call, (err: ServiceError) => err.code === status.CANCELLED);
    for (let i = 0; i < 200 && serverAborts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(serverAborts, ['slow']);
  } finally {
    client.close();
  }
});
