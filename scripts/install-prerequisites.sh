#!/usr/bin/env bash
# Installs what a fresh machine with only Node.js 20 and npm lacks to build and test Dynamodel:
#   - pnpm 10 (pinned; corepack is not used)
#   - Java 17 for DynamoDB Local, from Debian's packages, when no `java` runs
#   - redis-server and redis-cli for the cache tests and benchmark, from Debian's packages, when missing
#   - python3, which compiles the PynamoDB side of docs/from-pynamodb.md in a test, when missing
# Used by `npm run quickstart` and by .ci/run. Safe to run again: it skips what is present.
set -euo pipefail

PNPM_VERSION=10.34.9

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: '$*' needs root; run it as root or install sudo" >&2
    exit 1
  fi
}

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null | cut -d. -f1)" != "10" ]; then
  echo "installing pnpm@${PNPM_VERSION}"
  as_root npm install -g "pnpm@${PNPM_VERSION}"
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if ! java -version >/dev/null 2>&1; then
  echo "installing Java 17 (openjdk-17-jre-headless) for DynamoDB Local"
  apt_install openjdk-17-jre-headless
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "installing redis-server (and redis-cli) for the cache tests"
  apt_install redis-server
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "installing python3 (examples/coming-from compiles its PynamoDB file)"
  apt_install python3
fi

echo "prerequisites: node $(node --version), pnpm $(pnpm --version), $(java -version 2>&1 | head -n 1), $(redis-server --version | cut -d' ' -f1-3)"
