# Brings the toolchain BotSky needs onto PATH: Node.js >= 22.18 (type stripping on by default;
# Node 24 LTS from the npm registry's `node` package when the system's is older) and pnpm 12.
# Everything it installs stays in .tools/ inside the checkout. Source it, then call ensure_toolchain.
BOTSKY_ROOT=${BOTSKY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BOTSKY_TOOLS="$BOTSKY_ROOT/.tools"
BOTSKY_NODE_SPEC=${BOTSKY_NODE_SPEC:-node@24}
BOTSKY_PNPM_SPEC=${BOTSKY_PNPM_SPEC:-pnpm@12.21.0}

_node_ok() {
  # true when the `node` on PATH strips types by default (22.18+, 23.6+, 24+)
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    process.exit(maj >= 24 || (maj === 23 && min >= 6) || (maj === 22 && min >= 18) ? 0 : 1)'
}

_say() { printf 'botsky: %s\n' "$*" >&2; }

ensure_toolchain() {
  export PATH="$BOTSKY_TOOLS/node/node_modules/.bin:$BOTSKY_TOOLS/pnpm/node_modules/.bin:$PATH"
  if ! _node_ok; then
    command -v npm >/dev/null 2>&1 || { _say "need npm (from Node.js) to bring Node 24; install nodejs and npm"; return 1; }
    _say "system Node.js is $(node --version 2>/dev/null || echo missing); installing $BOTSKY_NODE_SPEC into .tools/"
    _npm_into node "$BOTSKY_NODE_SPEC" || return 1
    hash -r
    _node_ok || { _say "Node.js in .tools/ does not run: $(node --version 2>&1)"; return 1; }
  fi
  if ! _pnpm_ok; then
    _say "installing $BOTSKY_PNPM_SPEC into .tools/"
    _npm_into pnpm "$BOTSKY_PNPM_SPEC" || return 1
    hash -r
    _pnpm_ok || { _say "pnpm in .tools/ does not run"; return 1; }
  fi
}

# npm-installs one package into its own folder under .tools/ (kept apart so that one install
# never prunes the other).
_npm_into() {
  local dir="$BOTSKY_TOOLS/$1"
  mkdir -p "$dir"
  echo '{"private":true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-package-lock --loglevel=error "$2" >&2)
}

_pnpm_ok() {
  command -v pnpm >/dev/null 2>&1 || return 1
  local major
  major=$(pnpm --version 2>/dev/null | cut -d. -f1) || return 1
  [ -n "$major" ] && [ "$major" -ge 12 ] 2>/dev/null
}

# Installs the workspace's dependencies when the lockfile changed since the last install.
ensure_deps() {
  local stamp="$BOTSKY_ROOT/node_modules/.botsky-lock"
  local want
  want=$( (cat "$BOTSKY_ROOT/pnpm-lock.yaml" "$BOTSKY_ROOT/pnpm-workspace.yaml"; node --version) 2>/dev/null | cksum)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    _say "installing dependencies (pnpm install)"
    (cd "$BOTSKY_ROOT" && pnpm install --frozen-lockfile >&2) || return 1
    echo "$want" > "$stamp"
  fi
}
