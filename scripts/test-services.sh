#!/usr/bin/env bash
# Finds or starts the servers BotSky's tests talk to:
#   - NATS with JetStream at $NATS_URL (default nats://127.0.0.1:4222): started when not answering;
#   - Debian's clickhouse-server binary (the HTTP-adapter tests start their own server process);
#   - Debian's promtool (the chart tests check the bundled Prometheus's rendered config with it);
#   - Debian's chromium (the web app's browser tests drive it with playwright-core; CHROMIUM_BIN).
# Installs what is missing with apt-get when it can (root); otherwise says what to install.
set -euo pipefail
say() { printf 'test-services: %s\n' "$*" >&2; }

NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
hostport=${NATS_URL#nats://}
host=${hostport%%:*}
port=${hostport##*:}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=
apt_install() {
  if ! can_apt; then return 1; fi
  if [ -z "$apt_updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if ! port_open "$host" "$port"; then
  if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
    say "NATS at $NATS_URL does not answer; start it (with -js) or unset NATS_URL"; exit 1
  fi
  if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
    say "installing nats-server (Debian package)"
    apt_install nats-server || { say "nats-server is missing: install it (apt-get install nats-server) or point NATS_URL at a NATS server with JetStream"; exit 1; }
  fi
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  store=${NATS_STORE_DIR:-/tmp/botsky-nats-store}
  mkdir -p "$store"
  say "starting $bin -js on $host:$port (store $store)"
  nohup "$bin" -a "$host" -p "$port" -js -sd "$store" >/tmp/botsky-nats.log 2>&1 &
  for _ in $(seq 1 50); do port_open "$host" "$port" && break; sleep 0.1; done
  port_open "$host" "$port" || { say "nats-server did not start; see /tmp/botsky-nats.log"; exit 1; }
fi

if ! command -v clickhouse-server >/dev/null 2>&1 && [ ! -x /usr/bin/clickhouse-server ]; then
  say "installing clickhouse-server (Debian package, for the HTTP adapter's wire tests)"
  apt_install clickhouse-server || { say "clickhouse-server is missing: install it (apt-get install clickhouse-server) or set CLICKHOUSE_SERVER_BIN"; exit 1; }
fi

if ! command -v promtool >/dev/null 2>&1; then
  say "installing promtool (Debian package prometheus, for the chart's Prometheus config check)"
  apt_install prometheus || { say "promtool is missing: install it (apt-get install prometheus) or put it on PATH"; exit 1; }
fi

CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM_BIN" ]; then
  say "installing chromium (Debian package, for the web app's browser tests)"
  apt_install chromium || { say "chromium is missing: install it (apt-get install chromium) or set CHROMIUM_BIN"; exit 1; }
fi

# Postgres, for the local network's optional AppView mode (packages/devnet).
PG_HOST=127.0.0.1 PG_PORT=5432
if ! port_open "$PG_HOST" "$PG_PORT"; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing postgresql (Debian package, for the AppView tests)"
    apt_install postgresql || { say "Postgres is missing: install it (apt-get install postgresql) with trust auth on 127.0.0.1:5432"; exit 1; }
  fi
  say "starting Postgres"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >&2 || true
  for _ in $(seq 1 50); do port_open "$PG_HOST" "$PG_PORT" && break; sleep 0.2; done
  port_open "$PG_HOST" "$PG_PORT" || { say "Postgres does not answer on $PG_HOST:$PG_PORT; start it (trust auth for 127.0.0.1)"; exit 1; }
fi
