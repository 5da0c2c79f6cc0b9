#!/usr/bin/env bash
# Creates a throwaway SoftHSM2 token and a bridge config for it, all inside one directory, so the machine's
# /etc/softhsm and /var/lib/softhsm are never touched:
#
#   wasm-hsm/bridge/init-token.sh DIR [LABEL]
#
# DIR/softhsm2.conf   SoftHSM2 config pointing at DIR/tokens (the bridge sets SOFTHSM2_CONF from bridge.json)
# DIR/user.pin        the token's user PIN          (from $HSM_BRIDGE_PIN, else random)
# DIR/hmac.secret     the vault↔bridge HMAC secret  (32 random bytes, base64url)
# DIR/bridge.json     the bridge config: loopback, port $HSM_BRIDGE_PORT (default 8450), client id "vault"
#
# Everything that exists is kept, so re-running is safe and keeps the keys. Then start the bridge with
#   npm run hsm-bridge -- --config DIR/bridge.json
# The last line printed is `export HSM_BRIDGE_CONFIG=…` for `eval "$(…)"`. Fine for development and CI, never for a
# token holding real keys: the SO PIN is random and thrown away, and the secrets sit in plain files (mode 600).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 DIR [LABEL]" >&2
  exit 2
fi
if ! command -v softhsm2-util >/dev/null 2>&1; then
  echo "softhsm2-util not found: install SoftHSM2 (Debian: apt-get install softhsm2)" >&2
  exit 3
fi

umask 077
dir="$1"
label="${2:-edge-vault}"
mkdir -p "$dir/tokens"
dir="$(cd "$dir" && pwd)"
module="${HSM_BRIDGE_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"

random_base64url() { head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

conf="$dir/softhsm2.conf"
if [ ! -f "$conf" ]; then
  cat >"$conf" <<CONF
directories.tokendir = $dir/tokens/
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
CONF
fi
[ -f "$dir/user.pin" ] || printf '%s\n' "${HSM_BRIDGE_PIN:-$(random_base64url 12)}" >"$dir/user.pin"
[ -f "$dir/hmac.secret" ] || printf '%s\n' "$(random_base64url 32)" >"$dir/hmac.secret"

export SOFTHSM2_CONF="$conf"
# `--show-slots` prints "Label: <label padded with blanks>" for every initialized token.
if softhsm2-util --show-slots 2>/dev/null | awk -v want="$label" '
    /^[[:space:]]*Label:/ { sub(/^[[:space:]]*Label:[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); if ($0 == want) found = 1 }
    END { exit found ? 0 : 1 }'; then
  echo "token '$label' already exists in $dir/tokens" >&2
else
  softhsm2-util --init-token --free --label "$label" --pin "$(cat "$dir/user.pin")" \
    --so-pin "$(random_base64url 12)" >&2
fi

if [ ! -f "$dir/bridge.json" ]; then
  cat >"$dir/bridge.json" <<JSON
{
  "listen": { "host": "127.0.0.1", "port": ${HSM_BRIDGE_PORT:-8450} },
  "module": "$module",
  "moduleEnv": { "SOFTHSM2_CONF": "$conf" },
  "token": { "label": "$label", "pin": "file:user.pin" },
  "clients": [{ "id": "vault", "hmacSecret": "file:hmac.secret" }]
}
JSON
fi

printf 'export HSM_BRIDGE_CONFIG=%q\n' "$dir/bridge.json"
