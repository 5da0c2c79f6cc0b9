#!/usr/bin/env bash
# Creates a throwaway SoftHSM2 token for the PKCS#11 bridge: its own token directory and softhsm2.conf (so the
# machine's /etc/softhsm and /var/lib/softhsm are never touched), then a token with the given label and PINs.
#
#   wasm-hsm/bridge/init-token.sh DIR [LABEL] [USER_PIN] [SO_PIN]
#
# DIR is created if missing; a token that already carries LABEL there is left as is, so re-running is safe.
# Prints shell lines to eval (SOFTHSM2_CONF=…, HSM_BRIDGE_PIN=…): `eval "$(wasm-hsm/bridge/init-token.sh .dev/hsm)"`.
# PINs default to throwaway values: fine for development and CI, never for a token holding real keys.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [LABEL] [USER_PIN] [SO_PIN]" >&2
  exit 2
fi
if ! command -v softhsm2-util >/dev/null 2>&1; then
  echo "softhsm2-util not found: install SoftHSM2 (Debian: apt-get install softhsm2)" >&2
  exit 3
fi

dir="$1"
label="${2:-edge-vault}"
user_pin="${3:-${HSM_BRIDGE_PIN:-1234}}"
so_pin="${4:-${HSM_BRIDGE_SO_PIN:-5678}}"

mkdir -p "$dir/tokens"
chmod 700 "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/softhsm2.conf"
# One config per token directory: SoftHSM reads SOFTHSM2_CONF, so two test runs never share tokens.
cat >"$conf" <<CONF
directories.tokendir = $dir/tokens/
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
CONF

export SOFTHSM2_CONF="$conf"
# `--show-slots` lists initialized tokens as "Label: <label padded to 32>"; an exact match means it exists.
if softhsm2-util --show-slots 2>/dev/null | grep -Eq "^[[:space:]]*Label:[[:space:]]+${label}[[:space:]]*$"; then
  echo "token '$label' already exists in $dir" >&2
else
  softhsm2-util --init-token --free --label "$label" --pin "$user_pin" --so-pin "$so_pin" >&2
fi

printf 'export SOFTHSM2_CONF=%q\n' "$conf"
printf 'export HSM_BRIDGE_PIN=%q\n' "$user_pin"
