#!/usr/bin/env bash
# Set-up for a fresh clone (the README's `npm run setup`; CI runs `bash scripts/setup.sh --with-docker --with-test-tools`).
#
#   --with-docker      start a Docker engine (installing docker.io as root when missing) and build the twin images,
#                      so the docker backend and its end-to-end tests run. Implied when CI or EVOCHAT_WITH_DOCKER=1 is set.
#   --with-test-tools  install the system tools some tests use when missing (xmllint, chromium; Debian packages, root only).
#   --skip-npm         do not run `npm ci` (dependencies already installed).
#
# Idempotent: an engine that already answers is used as is; twin images that carry the current content hash are
# not rebuilt; tools already on PATH are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

with_docker=0
with_test_tools=0
skip_npm=0
for arg in "$@"; do
  case "$arg" in
    --with-docker) with_docker=1 ;;
    --with-test-tools) with_test_tools=1 ;;
    --skip-npm) skip_npm=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ -n "${CI:-}" ] || [ "${EVOCHAT_WITH_DOCKER:-}" = "1" ]; then with_docker=1; fi

step() { printf '\n== setup: %s\n' "$*" >&2; }
seconds() { date +%s; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node >= 20.18 is required, found $(node --version)" >&2
  exit 1
fi

if [ "$skip_npm" = 0 ]; then
  step "npm ci"
  t=$(seconds); npm ci --no-audit --no-fund; echo "setup: npm ci took $(( $(seconds) - t ))s" >&2
fi

if [ "$with_test_tools" = 1 ]; then
  missing=()
  command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      step "installing test tools: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: missing test tools (${missing[*]}); install them (Debian: apt-get install ${missing[*]}) or the tests that need them skip" >&2
    fi
  fi
fi

if [ "$with_docker" = 1 ]; then
  step "Docker engine"
  t=$(seconds); bash scripts/start-docker-engine.sh; echo "setup: engine ready after $(( $(seconds) - t ))s" >&2
  step "twin images"
  t=$(seconds); npx tsx scripts/build-twin-images.ts; echo "setup: twin images ready after $(( $(seconds) - t ))s" >&2
fi
step "done"
