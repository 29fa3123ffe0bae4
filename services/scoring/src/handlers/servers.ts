// The leaderboard's listeners: HTTP (fastify) and gRPC, started and closed together.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { addGrpcService } from '@botsky/contracts/grpc';
import { LeaderboardService } from '@botsky/contracts';
import type { Logger } from '@botsky/kit';
import type { Leaderboard } from '../scores/leaderboard.ts';
import type { SeasonBoards } from '../scores/seasons.ts';
import { buildLeaderboardApp, type RatingHistory } from './http.ts';
import { getLeaderboardHandler } from './get-leaderboard.ts';

export interface LeaderboardServers {
  httpPort: number;
  grpcPort: number;
  close(): Promise<void>;
}

export async function startLeaderboardServers(
  latest: () => Leaderboard | undefined,
  opts: { host: string; httpPort: number; grpcPort: number; logger: Logger; seasons?: SeasonBoards; history?: RatingHistory },
): Promise<LeaderboardServers> {
  const app = buildLeaderboardApp(latest, opts.logger, opts.seasons, opts.history);
  await app.listen({ host: opts.host, port: opts.httpPort });
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : opts.httpPort;
  const grpc = new Server();
  addGrpcService(
    grpc,
    LeaderboardService,
    { getLeaderboard: getLeaderboardHandler(latest) },
    {
      onError: (err, method) => opts.logger.error({ err, method }, 'gRPC handler failed'),
    },
  );
  let grpcPort: number;
  try {
    grpcPort = await new Promise<number>((resolve, reject) =>
      grpc.bindAsync(`${opts.host}:${opts.grpcPort}`, ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    httpPort,
    grpcPort,
    async close() {
      await new Promise<void>((resolve) => grpc.tryShutdown(() => resolve()));
      await app.close();
    },
  };
}
