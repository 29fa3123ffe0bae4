# syntax=docker/dockerfile:1
# One image for every BotSky service. Node 24 runs the TypeScript sources as they are, so there
# is no build step but the web app's client bundle: the image is the sources plus the production
# dependencies of the `botsky` CLI and everything it runs (the services and their packages).
#
#   docker build -t botsky .
#   docker build --build-arg EMBEDDED_CLICKHOUSE=false -t botsky:server .   # ~540 MB smaller: ClickHouse server only
#   docker run --rm botsky services/ingest/src/main.ts     # one service (any services/*/src/main.ts)
#   docker run --rm -p 9464:9464 -p 3100:3100 botsky       # every service on the embedded adapters
#
# The chart, k8s/ and compose.yaml choose the service by the script they pass as arguments.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV CI=true
# The pnpm version scripts/toolchain.sh pins.
RUN npm install --global pnpm@12.21.0 && npm cache clean --force
# The lockfile alone is enough to download every package: this layer is rebuilt only when the
# lockfile changes, not on every source edit.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
# Links the downloaded packages; `botsky...` is the CLI and every workspace package it depends
# on, so test-only packages (the local network, the firehose recorder) stay out.
RUN pnpm install --offline --prod --frozen-lockfile --filter 'botsky...'
# The web app's browser client, bundled by esbuild (a dependency of @botsky/web) into services/web/dist.
RUN node services/web/src/client-build.ts
# EMBEDDED_CLICKHOUSE=false leaves out the embedded ClickHouse engine (chdb and its native
# library, about 540 MB of the image). Only the embedded warehouse loads it, on first use: such an
# image runs every service, but scoring (and `botsky up`, `demo`, `rescore`) need a ClickHouse
# server, BOTSKY_WAREHOUSE=http(s)://..., as the chart gives them.
ARG EMBEDDED_CLICKHOUSE=true
RUN if [ "$EMBEDDED_CLICKHOUSE" = "false" ]; then rm -rf node_modules/.pnpm/chdb@* node_modules/.pnpm/@chdb+*; fi

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the service user: the process cannot change its own code.
COPY --from=deps /app /app
USER node
# The ops server: /healthz, /readyz, /metrics (BOTSKY_OPS_PORT).
EXPOSE 9464
ENTRYPOINT ["node"]
CMD ["packages/cli/src/main.ts", "up", "--data", "/tmp/botsky"]
