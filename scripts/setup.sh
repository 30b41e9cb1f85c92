#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine (idempotent, fast when everything is there):
# system packages the tests and the demo use, pnpm at the pinned version, node modules.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

# Debian packages: sshd and ssh tools for @net/ssh, nmap for the scanner comparison, Chromium
# for the browser test of @net/ws, openssl to generate test certificates, iproute2 for `ip`,
# and the third-party peers the suites run against (nginx, squid, tinyproxy, python websockets,
# Dropbear, socat/ncat/netcat, zsh, nftables/iptables for faults inside a private namespace),
# and a C++ toolchain for ssh2's optional crypto binding (scripts/build-ssh2-binding.mjs).
# Each entry is `probe:package`; a package is installed only when its probe is missing.
wanted=(
  /usr/sbin/sshd:openssh-server
  /usr/bin/sftp:openssh-client
  /usr/bin/nmap:nmap
  /usr/bin/chromium:chromium
  /usr/bin/openssl:openssl
  /usr/sbin/ip:iproute2
  /usr/sbin/nginx:nginx
  /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so:libnginx-mod-http-brotli-filter
  /usr/sbin/squid:squid
  /usr/bin/tinyproxy:tinyproxy
  /usr/lib/python3/dist-packages/websockets:python3-websockets
  /usr/sbin/dropbear:dropbear-bin
  /usr/bin/socat:socat
  /usr/bin/ncat:ncat
  /usr/bin/nc.openbsd:netcat-openbsd
  /usr/bin/zsh:zsh
  /usr/sbin/nft:nftables
  /usr/sbin/iptables:iptables
  /usr/bin/g++:g++
  /usr/bin/make:make
)
missing=()
for entry in "${wanted[@]}"; do
  [ -e "${entry%%:*}" ] || missing+=("${entry##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  # Installing nginx, squid or tinyproxy must not start system services: the tests start their
  # own instances on loopback with configs in temp dirs.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    remove_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  if [ "${remove_policy:-0}" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  # Stop whatever a package's postinst managed to start anyway.
  for daemon in nginx squid tinyproxy; do $SUDO pkill -x "$daemon" 2>/dev/null || true; done
fi
$SUDO mkdir -p /run/sshd

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  $SUDO npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
