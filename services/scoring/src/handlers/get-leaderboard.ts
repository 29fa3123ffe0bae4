// gRPC LeaderboardService.GetLeaderboard: the same leaderboard as GET /v1/leaderboard.
import { status } from '@grpc/grpc-js';
import { GrpcStatusError } from '@botsky/contracts/grpc';
import type { GetLeaderboardRequest } from '@botsky/contracts';
import type { Leaderboard } from '../scores/leaderboard.ts';
import { leaderboardProto } from './leaderboard-view.ts';

export function getLeaderboardHandler(latest: () => Leaderboard | undefined) {
  return (req: GetLeaderboardRequest) => {
    if (req.sinceUs !== 0n)
      throw new GrpcStatusError(status.UNIMPLEMENTED, 'since_us is not supported yet: the leaderboard covers all events');
    const board = latest();
    if (board === undefined) throw new GrpcStatusError(status.UNAVAILABLE, 'the leaderboard has not been computed yet');
    return leaderboardProto(board, req.orderBy, req.limit);
  };
}
