#!/usr/bin/env bash
# Headless Chromium for the static-site browser tests (tests/test_site_browser.py).
# Debian's package, driven by Playwright with executable_path=/usr/bin/chromium: Playwright never
# downloads a browser of its own. Idempotent; root only.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "browser.sh: /usr/bin/chromium is missing and we are not root; browser tests will skip" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
/usr/bin/chromium --version
