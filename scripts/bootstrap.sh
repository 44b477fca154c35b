#!/usr/bin/env bash
# Installs what jiefen needs on a fresh Debian machine: Debian packages, uv, Python 3.12 packages.
#   scripts/bootstrap.sh          what the demo needs
#   scripts/bootstrap.sh test     plus what the tests need (Chromium for Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

want=(fonts-noto-cjk poppler-utils)
if [ "${1:-}" = "test" ]; then
  want+=(chromium)
fi
if [ "${1:-}" = "bench" ]; then
  want+=(libreoffice-writer-nogui)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "· 安装系统软件包：${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 仿宋 body font for court documents: FandolFang (GPL with font exception) from Debian's
# texlive-lang-chinese, extracted into var/fonts without installing the whole TeX package.
if [ ! -f var/fonts/FandolFang-Regular.otf ]; then
  echo "· 提取仿宋字体 FandolFang（texlive-lang-chinese）"
  tmp=$(mktemp -d)
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if (cd "$tmp" && { apt-get download texlive-lang-chinese >/dev/null 2>&1 \
        || { $SUDO apt-get update -qq && apt-get download texlive-lang-chinese >/dev/null 2>&1; }; }); then
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    mkdir -p var/fonts
    cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/{FandolFang-Regular,FandolHei-Regular,FandolHei-Bold}.otf var/fonts/
  else
    echo "  （无法下载 texlive-lang-chinese，文书正文改用 Noto Serif CJK）"
  fi
  rm -rf "$tmp"
fi

if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then
  echo "· 安装 uv"
  python3 -m pip install --quiet uv
fi

# Python 3.12: the one on PATH if it runs (a pyenv shim may not), else pyenv's.
if [ -z "${UV_PYTHON:-}" ]; then
  for candidate in python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then
      UV_PYTHON=$candidate
      break
    fi
  done
fi
if [ -z "${UV_PYTHON:-}" ]; then
  echo "找不到 Python 3.12：请安装 python3.12（或 pyenv install 3.12）后重试" >&2
  exit 1
fi
export UV_PYTHON
UV=uv; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
$UV sync --frozen --quiet
