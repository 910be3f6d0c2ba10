#!/usr/bin/env bash
# What the static-site browser tests (tests/test_site_browser.py) need; idempotent; root only.
# - Debian's chromium, driven by Playwright with executable_path=/usr/bin/chromium (Playwright
#   never downloads a browser of its own);
# - fonts-noto-cjk, checked on its own: without it Chinese pages render as empty boxes, and it
#   must be installed even when chromium is already there;
# - node + npm, and axe-core (the accessibility engine the tests inject into pages) from the npm
#   registry into AXE_PREFIX; node also runs the RE2 -> JavaScript signature tests.
set -euo pipefail

AXE_VERSION="4.11.0"
AXE_PREFIX="${KBTUI_AXE_PREFIX:-/usr/local/share/kbtui/axe}"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser.sh: missing ${missing[*]} and we are not root; browser tests cannot run" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

if [ ! -f "$AXE_PREFIX/node_modules/axe-core/axe.min.js" ] ||
   ! grep -q "\"version\": \"$AXE_VERSION\"" "$AXE_PREFIX/node_modules/axe-core/package.json"; then
  mkdir -p "$AXE_PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$AXE_PREFIX" "axe-core@$AXE_VERSION" >/dev/null
fi
/usr/bin/chromium --version
