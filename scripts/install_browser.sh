#!/usr/bin/env bash
# Debian's chromium (for the end-to-end test; Playwright drives it, no browser download) and a CJK font (so
# Chinese renders in screenshots and exported charts). Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
bash "$(dirname "$0")/apt_install.sh" "${need[@]}"
