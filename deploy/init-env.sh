#!/bin/sh
# Writes .env.production for docker-compose.yml, once: a copy of .env.production.example with the
# host names given, a random POSTGRES_PASSWORD, a new AUTH_SIGNING_KEYS and a new
# PERSONAL_DATA_MASTER_KEY.
#
#   docker build -t tillstream:0.1.0 .
#   sh deploy/init-env.sh api.example.com [pos.example.com ...]
#
# The keys come from the image's CLI; TILLSTREAM_CLI names another one, e.g.
# TILLSTREAM_CLI="node dist/src/cli.js" after `npm run build`. ENV_FILE names another target.
set -eu
cd "$(dirname "$0")/.."
target=${ENV_FILE:-.env.production}
cli=${TILLSTREAM_CLI:-docker run --rm tillstream:0.1.0 node dist/src/cli.js}

if [ $# -eq 0 ]; then
  echo "usage: sh deploy/init-env.sh <host name> [<host name> ...]" >&2
  exit 64
fi
for host in "$@"; do
  case $host in
    *[!A-Za-z0-9.-]* | .* | *. | '') echo "not a host name: $host" >&2; exit 64 ;;
  esac
done
if [ -e "$target" ]; then
  echo "$target exists and is left as it is: its password is in the database volume and its keys sign live tokens" >&2
  exit 1
fi

# 24 random bytes in hex: URL-safe, since the password also goes into DATABASE_URL.
password=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
# Word splitting of $cli is wanted: it is a command and its arguments. What it says on standard
# error is shown only when it fails.
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
# shellcheck disable=SC2086
if ! keys=$($cli keys generate 2>"$errors"); then
  cat "$errors" >&2
  echo "could not make a signing key with: $cli" >&2
  exit 1
fi
# shellcheck disable=SC2086
if ! master_key=$($cli keys master-key 2>"$errors"); then
  cat "$errors" >&2
  echo "could not make a master key of personal data with: $cli" >&2
  exit 1
fi

# shellcheck disable=SC2086
if ! sealing_key=$($cli audit sealing-key 2>"$errors"); then
  cat "$errors" >&2
  echo "could not make a sealing key with: $cli" >&2
  exit 1
fi

umask 077
awk -v hosts="$*" -v password="$password" -v keys="$keys" -v master_key="$master_key" -v sealing_key="$sealing_key" '
  /^TILLSTREAM_HOSTS=/ { print "TILLSTREAM_HOSTS=\"" hosts "\""; next }
  /^POSTGRES_PASSWORD=/ { print "POSTGRES_PASSWORD=" password; next }
  /^AUTH_SIGNING_KEYS=/ { print "AUTH_SIGNING_KEYS=\047" keys "\047"; next }
  /^PERSONAL_DATA_MASTER_KEY=/ { print "PERSONAL_DATA_MASTER_KEY=" master_key; next }
  /^SEALING_KEY=/ { print "SEALING_KEY=" sealing_key; next }
  { print }
' .env.production.example > "$target.tmp"
mv "$target.tmp" "$target"
echo "Wrote $target (mode 0600). Keep a copy somewhere safe: the database password, the signing keys, the master key of personal data and the sealing key are in it." >&2
