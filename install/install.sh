#!/bin/sh
# Installs codexguard from this clone (dependencies, build) and puts its `codex` shim first on PATH.
# Usage: sh install/install.sh [--shell bash zsh fish] [--no-verify]   (arguments go to `codexguard install`)
set -eu

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

root=$(cd -- "$(dirname -- "$0")/.." && pwd -P) || die "cannot find the clone this script belongs to"
[ -f "$root/package.json" ] && [ -f "$root/bin/codexguard.js" ] || die "$root is not a codexguard clone (no package.json or bin/codexguard.js)"
cd "$root"

command -v node >/dev/null 2>&1 || die "node not found on PATH; install Node.js 20 or newer (https://nodejs.org)"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || die "node on PATH ($(command -v node)) does not run"
case $major in
  '' | *[!0-9]*) die "cannot read the version of node on PATH ($(command -v node))" ;;
esac
[ "$major" -ge 20 ] || die "node $(node --version 2>/dev/null) is too old; codexguard needs Node.js 20 or newer"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH; it comes with Node.js"

echo "install.sh: installing dependencies with npm ci (better-sqlite3 may build from source: about a minute)"
npm ci --no-audit --no-fund || die "npm ci failed (see above); a C++ toolchain and python3 are needed if better-sqlite3 builds from source"
echo "install.sh: building"
npm run build --silent || die "npm run build failed (see above)"
exec node bin/codexguard.js install "$@"
