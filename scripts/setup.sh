#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine (idempotent, fast when everything is there):
# system packages the tests and the demo use, pnpm at the pinned version, node modules.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

# Debian packages: sshd and ssh tools for @net/ssh, nmap for the scanner comparison, Chromium
# for the browser test of @net/ws, openssl to generate test certificates, iproute2 for `ip`.
missing=()
command -v /usr/sbin/sshd >/dev/null || missing+=(openssh-server)
command -v ssh-keygen >/dev/null && command -v ssh-agent >/dev/null && command -v sftp >/dev/null || missing+=(openssh-client)
command -v nmap >/dev/null || missing+=(nmap)
command -v chromium >/dev/null || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
command -v ip >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
$SUDO mkdir -p /run/sshd

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  $SUDO npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
