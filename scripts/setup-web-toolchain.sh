#!/usr/bin/env bash
# Toolchain for the web page (web/, crate rdpcheck-web): Trunk + wasm-bindgen-cli + wasm-opt
# (npm binaryen) + headless Chromium for the browser tests. Works offline-ish: only crates.io,
# npm and Debian apt are used, through their own clients.
# Idempotent: skips what is already installed. Fresh 2-core machine: ~5 min. Already set up: ~3 s.
# Recipe and measurements: /work/shared/research/wasm-toolchain.md §1a.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14   # trunk >= 0.22 needs rustc >= 1.96.1
# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
WBG_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if [ -z "$WBG_VERSION" ]; then
  echo "setup-web-toolchain: no wasm-bindgen in Cargo.lock (run cargo generate-lockfile?)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
fi
# Never install Debian's `binaryen`: its wasm-opt 108 cannot parse current wasm-bindgen output.

# Build the tools unoptimised: trunk ~3.5 min instead of 7, wasm-bindgen-cli ~1 min instead of 3.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
ver() { "$1" --version 2>/dev/null | awk '{print $2}'; }
if [ "$(ver trunk)" != "$TRUNK_VERSION" ]; then
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if [ "$(ver wasm-bindgen)" != "$WBG_VERSION" ] || [ "$(ver wasm-bindgen-test-runner)" != "$WBG_VERSION" ]; then
  # NOT --locked: its packaged lockfile pins a webpki-roots this registry lacks.
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --no-default-features --force
fi

# wasm-opt 132 and terser from npm (pinned in e2e/package-lock.json); put e2e/node_modules/.bin on
# PATH. Installed again whenever the lock file changed since the last install (its copy is kept).
if [ ! -x e2e/node_modules/.bin/wasm-opt ] || ! e2e/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132' \
   || ! cmp -s e2e/package-lock.json e2e/node_modules/.rdpcheck-installed-lock.json; then
  npm ci --prefix e2e --no-fund --no-audit
  cp e2e/package-lock.json e2e/node_modules/.rdpcheck-installed-lock.json
fi

echo "setup-web-toolchain: trunk $(ver trunk), wasm-bindgen $(ver wasm-bindgen), $(e2e/node_modules/.bin/wasm-opt --version), $(chromium --version 2>/dev/null)"
