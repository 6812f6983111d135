#!/usr/bin/env bash
# Installs the PostgreSQL client tools (pg_dump, pg_dumpall, pg_restore, psql) of one major
# version from the PostgreSQL project's apt repository (PGDG), and prints the directory that holds
# them (for PG_BIN_DIR). The backup workflow runs it with the server's actual major version
# (scripts/backup/server-major.ts): pg_dump refuses a server newer than itself, and Debian/Ubuntu
# ship one major per release (Debian 12: 15 only). Idempotent.
#   scripts/backup/install-pg-client.sh 17   →   /usr/lib/postgresql/17/bin
set -euo pipefail

major=${1:-}
if ! [[ "$major" =~ ^[0-9]{2}$ ]]; then
  echo "install-pg-client: usage: $0 <major version, e.g. 17> (got '${major}')" >&2
  exit 2
fi
bin="/usr/lib/postgresql/$major/bin"
if [ -x "$bin/pg_dump" ]; then
  echo "$bin"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
# PGDG's documented setup: its signing key in a keyring file, the repository for this release.
keyring=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc
"${sudo[@]}" install -d "$(dirname "$keyring")"
"${sudo[@]}" curl -fsSL -o "$keyring" https://www.postgresql.org/media/keys/ACCC4CF8.asc
# shellcheck source=/dev/null
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
echo "deb [signed-by=$keyring] https://apt.postgresql.org/pub/repos/apt ${codename}-pgdg main" | "${sudo[@]}" tee /etc/apt/sources.list.d/pgdg.list >/dev/null
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "postgresql-client-$major" >&2
"$bin/pg_dump" --version >&2
echo "$bin"
