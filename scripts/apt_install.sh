#!/usr/bin/env bash
# Installs the Debian packages named as arguments with apt-get (as root, or through sudo otherwise). The callers
# check first what is missing, so a ready machine never reaches this script.
set -euo pipefail
[ $# -gt 0 ] || exit 0
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
