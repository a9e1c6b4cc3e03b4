#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`. Idempotent: does nothing when one already answers.
# As root on a Debian-like machine without an engine it installs docker.io (MACHINE-NOTES: the machine
# image has a Docker CLI but no daemon) and starts dockerd in the background, logging to
# ${EVOCHAT_DOCKERD_LOG:-/var/log/evochat-dockerd.log}. Waits at most ${EVOCHAT_DOCKERD_WAIT_S:-60} s.
# Exit status: 0 when the engine answers, 1 otherwise (with the reason on stderr).
set -euo pipefail

log() { printf 'start-docker-engine: %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  log "engine already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown))"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  log "no Docker engine answers and this is not root: start one yourself (or run this script as root)"
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "dockerd is missing and apt-get is not available: install a Docker engine"
    exit 1
  fi
  log "installing docker.io (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run may hold the dpkg lock (shared machines, CI images still provisioning): wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq docker.io >/dev/null
fi

if ! command -v docker >/dev/null 2>&1; then
  log "docker CLI still missing after install"
  exit 1
fi

dockerd_log="${EVOCHAT_DOCKERD_LOG:-/var/log/evochat-dockerd.log}"
if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is running but not answering yet; waiting"
else
  log "starting dockerd (log: ${dockerd_log})"
  # setsid: the daemon must outlive this script and the shell that ran it.
  setsid nohup dockerd --storage-driver=overlay2 >"${dockerd_log}" 2>&1 < /dev/null &
fi

deadline=$(( $(date +%s) + ${EVOCHAT_DOCKERD_WAIT_S:-60} ))
until engine_answers; do
  if [ "$(date +%s)" -ge "${deadline}" ]; then
    log "dockerd did not answer within ${EVOCHAT_DOCKERD_WAIT_S:-60} s; last log lines:"
    tail -n 20 "${dockerd_log}" >&2 || true
    exit 1
  fi
  sleep 0.5
done
log "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown))"
