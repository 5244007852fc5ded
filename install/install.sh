#!/bin/sh
# Installs codexguard from this clone into a prefix of its own, and puts its `codex` shim first on PATH.
# It builds here (npm ci, build), then copies exactly what the npm package ships, with production
# dependencies only, into the prefix: the clone may be deleted afterwards. Run again, it upgrades in place.
# Usage: sh install/install.sh [--shell bash zsh fish] [--no-verify]   (arguments go to `codexguard install`)
# The prefix is $CODEXGUARD_PREFIX, else ${XDG_DATA_HOME:-~/.local/share}/codexguard/app.
set -eu

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

root=$(cd -- "$(dirname -- "$0")/.." && pwd -P) || die "cannot find the clone this script belongs to"
[ -f "$root/package.json" ] && [ -f "$root/bin/codexguard.js" ] || die "$root is not a codexguard clone (no package.json or bin/codexguard.js)"
cd "$root"

command -v node >/dev/null 2>&1 || die "node not found on PATH; install Node.js 20.16 or newer (https://nodejs.org)"
version=$(node -p 'process.versions.node' 2>/dev/null) || die "node on PATH ($(command -v node)) does not run"
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
case $major:$minor in
  :* | *: | *[!0-9:]*) die "cannot read the version of node on PATH ($(command -v node))" ;;
esac
# 20.16: process.getBuiltinModule, which the shim's start-up uses.
{ [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 16 ]; }; } ||
  die "node $(node --version 2>/dev/null) is too old; codexguard needs Node.js 20.16 or newer"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH; it comes with Node.js"

[ -n "${HOME:-}" ] || die "HOME is not set"
data=${XDG_DATA_HOME:-}
case $data in /*) ;; *) data=$HOME/.local/share ;; esac
prefix=${CODEXGUARD_PREFIX:-$data/codexguard/app}
case $prefix in /*) ;; *) die "CODEXGUARD_PREFIX must be an absolute path, not $prefix" ;; esac

sqlite_help="better-sqlite3 had no prebuilt binary for this Node and could not be built: it needs a C++ toolchain (Xcode command line tools, or build-essential), python3, and the Node headers (offline: npm config set nodedir /path/to/node-source)"
# npm install, not ci: from the lockfile all the same, but a clone whose node_modules is up to date is not installed again.
echo "install.sh: installing dependencies with npm (on a fresh clone about a minute: better-sqlite3 may build from source)"
npm install --no-save --no-audit --no-fund || die "npm install failed (see above). If it was better-sqlite3: $sqlite_help"
echo "install.sh: building"
npm run build --silent || die "npm run build failed (see above)"

staging=$prefix.new
rm -rf -- "$staging" "$prefix.old"
mkdir -p -- "$staging"
trap 'rm -rf -- "$staging"' EXIT
echo "install.sh: copying the package into $prefix"
# Exactly what the npm package ships (package.json "files"), from the build just made.
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$staging") || die "npm pack failed (see above)"
tar -xzf "$staging/$tarball" -C "$staging" --strip-components=1 || die "cannot unpack $staging/$tarball"
rm -f -- "$staging/$tarball"
cp package-lock.json "$staging/"
# Production dependencies only, from npm's cache; better-sqlite3's binary is the one built above, not built again.
(cd "$staging" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error \
  && npm prune --omit=dev --omit=peer --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error) \
  || die "installing the production dependencies into $staging failed (see above)"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
mkdir -p -- "$staging/$(dirname -- "$addon")"
cp "$addon" "$staging/$addon" || die "no $addon in the clone. $sqlite_help"
(cd "$staging" && node -e "new (require('better-sqlite3'))(':memory:').close()") || die "better-sqlite3 does not load in $staging. $sqlite_help"

# Swap in the new copy; an older one goes only once the new one is in place.
if [ -d "$prefix" ]; then mv -- "$prefix" "$prefix.old"; fi
: > "$staging/.codexguard-prefix"
mv -- "$staging" "$prefix"
trap - EXIT
rm -rf -- "$prefix.old"
echo "install.sh: installed into $prefix ($(du -sk "$prefix" | cut -f1) KB); this clone may be deleted"
exec node "$prefix/bin/codexguard.js" install "$@"
