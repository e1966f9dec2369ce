#!/bin/sh
# Install what the tests need: the package with its test extras (pinned), and
# Debian's Chromium for the browser tests when it is missing and we are root.
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium for the browser tests (apt-get)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is missing: browser tests will be skipped (apt-get install chromium)" >&2
    fi
fi
# A CJK TrueType font for the Chinese printed sheets (print.cjk_font).
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing fonts-wqy-microhei for the Chinese printed sheets (apt-get)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
    else
        echo "fonts-wqy-microhei is missing: Chinese sheet tests will be skipped (apt-get install fonts-wqy-microhei)" >&2
    fi
fi
