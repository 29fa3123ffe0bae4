#!/usr/bin/env bash
# The whole test suite: the servers it needs, the typecheck, the formatter's check and the linter,
# the web client's build, then every test file with node:test.
# Usage: scripts/test.sh [test files...]   (default: every *.test.ts in the workspace)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-services.sh
echo "typecheck: tsc -p tsconfig.json" >&2
node_modules/.bin/tsc -p tsconfig.json
echo "format and lint: biome ci --error-on-warnings ." >&2
node_modules/.bin/biome ci --error-on-warnings --colors=off .
echo "typecheck: tsc -p services/web/client/tsconfig.json (the browser client)" >&2
node_modules/.bin/tsc -p services/web/client/tsconfig.json
echo "build: the web client (services/web/dist)" >&2
node services/web/src/client-build.ts >&2
if [ "$#" -gt 0 ]; then files=("$@"); else
  mapfile -t files < <(find packages services examples scripts -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -print 2>/dev/null | sort)
fi
[ "${#files[@]}" -gt 0 ] || { echo "no test files found" >&2; exit 1; }
exec node --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "${files[@]}"
