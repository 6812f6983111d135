#!/usr/bin/env bash
# Installs the Debian tools the test suite runs for real (`npm test` runs this first, as its
# `pretest` step, so a fresh machine needs nothing else):
#   pg_dump / pg_dumpall / pg_restore / psql 15
#                             backup dumps, roles and the restore drill (postgresql-client-15)
#   wg                        `wg-quick strip` accepts the generated WireGuard config (wireguard-tools)
#   shellcheck                the WireGuard gateway's user-data script
#   openssl                   test certificate authorities for the diagnostics' TLS checks
# Idempotent and quick when everything is present; installs only what is missing.
set -euo pipefail

declare -A needed=(
  [pg_dump]=postgresql-client-15
  [pg_restore]=postgresql-client-15
  [pg_dumpall]=postgresql-client-15
  [psql]=postgresql-client-15
  [wg]=wireguard-tools
  [wg-quick]=wireguard-tools
  [shellcheck]=shellcheck
  [openssl]=openssl
)

missing=()
for tool in "${!needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${needed[$tool]}")
done
# pg_dump must be 15 (the guide's major version) or newer; an older client cannot dump a 15 server.
if command -v pg_dump >/dev/null 2>&1; then
  major=$(pg_dump --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
  if [ "$major" -lt 15 ]; then missing+=(postgresql-client-15); fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-test-tools: installing ${packages[*]} (Debian packages the tests run)"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-test-tools: not root and no sudo: install ${packages[*]} with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
