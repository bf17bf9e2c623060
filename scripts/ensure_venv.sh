#!/usr/bin/env bash
# The project's own virtual environment ($VENV, default .venv), so that nothing is installed into the system's
# Python (which Debian 12+, Ubuntu 23.04+ and every PEP 668 distribution refuse). It is made with
# "$PYTHON -m venv" ($PYTHON: default the python3 first on the PATH); Debian's python3-venv is installed when the
# venv module is missing. The packages of requirements.txt go in with the environment's own pip. A stamp file holds
# a hash of requirements.txt and the Python version; while it matches, this script installs nothing and needs no
# network. The stamp is written only after pip succeeded, so a failed or interrupted install is redone next time.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
VENV_PYTHON="$VENV/bin/python"
STAMP="$VENV/.requirements-installed"
LOG="$VENV/pip-install.log"
MIN_VERSION=$(sed -n 's/^requires-python *= *">= *\([0-9][0-9.]*\)".*/\1/p' pyproject.toml)
: "${MIN_VERSION:?cannot read requires-python = \">=X.Y\" from pyproject.toml}"

# Messages for the user, English then Chinese, on standard error.
say() { printf '%s\n' "$@" >&2; }
fail() {
  say "" "$@"
  exit 1
}

# "3.11.2" for an interpreter, empty when it is missing or does not run.
version_of() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true; }
minor_of() { echo "${1%.*}"; }
# True when version $1 is at least MIN_VERSION.
new_enough() { printf '%s\n%s\n' "$MIN_VERSION" "$1" | sort -V -C; }
stamp_text() {
  sha256sum requirements.txt
  "$VENV_PYTHON" -c 'import sys; print(sys.version)'
}
has_venv_module() { "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; }
# Debian packages, where apt-get exists (false otherwise); the check after the call says what is still missing.
try_apt() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "Installing Debian's $* ..."
  bash scripts/apt_install.sh "$@" && return
  say "apt-get could not install $*."
  return 1
}

# The Python to make the environment with: found, recent enough and with its venv module (Debian's python3-venv,
# which also brings python3 itself where even that is missing).
check_python() {
  if [ -z "$wanted" ] && [ "$PYTHON" = python3 ]; then
    try_apt python3-venv || true
    wanted=$(version_of "$PYTHON")
  fi
  [ -n "$wanted" ] || fail \
    "No working '$PYTHON' found. Install Python $MIN_VERSION or newer, or name one: make app PYTHON=/path/to/python3" \
    "找不到可用的 '$PYTHON'。请安装 Python $MIN_VERSION 或更高版本，或指定一个：make app PYTHON=/path/to/python3"
  local where
  where=$(command -v "$PYTHON")
  new_enough "$wanted" || fail \
    "Python $wanted ($where) is older than the Python $MIN_VERSION this project needs. Install $MIN_VERSION or newer and name it: make app PYTHON=python$MIN_VERSION" \
    "本项目需要 Python $MIN_VERSION 或更高版本，而 $where 是 $wanted。请安装 Python $MIN_VERSION 或更高版本并指定：make app PYTHON=python$MIN_VERSION"
  if ! has_venv_module && try_apt python3-venv && ! has_venv_module; then
    try_apt "python$(minor_of "$wanted")-venv" || true
  fi
  has_venv_module || fail \
    "$where has no venv module. Install it (Debian/Ubuntu: sudo apt-get install python3-venv), then run again." \
    "$where 缺少 venv 模块。请先安装（Debian/Ubuntu：sudo apt-get install python3-venv），然后重新运行。"
}

make_venv() {
  if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ] && [ -n "$(ls -A "$VENV")" ]; then
    fail "$VENV exists but is not a virtual environment; move it away or name another: make app VENV=.venv-other" \
      "$VENV 已存在但不是虚拟环境；请移走它，或指定另一个：make app VENV=.venv-other"
  fi
  rm -rf "$VENV"
  say "Creating the virtual environment $VENV with $PYTHON (Python $wanted) ..."
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    fail "'$PYTHON -m venv $VENV' failed (its message is above)." "'$PYTHON -m venv $VENV' 失败（原因见上方输出）。"
  fi
}

install_requirements() {
  rm -f "$STAMP"
  say "Installing the Python packages of requirements.txt into $VENV (a few minutes the first time; pip's output: $LOG) ..."
  if "$VENV_PYTHON" -m pip install --disable-pip-version-check --no-input -r requirements.txt >"$LOG" 2>&1; then
    stamp_text >"$STAMP.tmp"
    mv "$STAMP.tmp" "$STAMP"
    return
  fi
  if grep -q -E 'NewConnectionError|Failed to establish a new connection|name resolution|Name or service not known|Network is unreachable|ConnectTimeout|Read timed out|ProxyError|SSLError|Max retries exceeded' "$LOG"; then
    fail "Could not reach the Python package registry (PyPI or the index in pip's configuration), so the packages were not installed. Check the network or proxy, or point pip to a reachable mirror (PIP_INDEX_URL), then run the command again. pip's output: $LOG" \
      "无法连接 Python 软件包仓库（PyPI 或 pip 配置中的镜像），软件包未能安装。请检查网络或代理，或用 PIP_INDEX_URL 指定可访问的镜像，然后重新运行。pip 的输出：$LOG"
  fi
  say "" "$(grep -E '^ERROR' "$LOG" | head -n 3)"
  fail "pip could not install requirements.txt into $VENV (its error is above; everything it printed: $LOG)." \
    "pip 未能把 requirements.txt 中的软件包安装到 $VENV（错误见上方；完整输出：$LOG）。"
}

wanted=""
command -v "$PYTHON" >/dev/null 2>&1 && wanted=$(version_of "$PYTHON")
have=$(version_of "$VENV_PYTHON")
# The environment is kept unless it does not run or $PYTHON is another minor version than the one that made it.
if [ -n "$have" ] && { [ -z "$wanted" ] || [ "$(minor_of "$wanted")" = "$(minor_of "$have")" ]; }; then
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_text)" ] && exit 0
  "$VENV_PYTHON" -m pip --version >/dev/null 2>&1 || have=""
else
  have=""
fi
if [ -z "$have" ]; then
  check_python
  make_venv
fi
install_requirements
