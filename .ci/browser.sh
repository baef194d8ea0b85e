#!/usr/bin/env bash
# CI: Debian's Chromium for tests/test_studio_browser.py (lesson 12's studio in JupyterLab).
# Playwright drives it through /usr/bin/chromium; `playwright install` is never used.
# Harmless elsewhere: without root or apt-get it says why and exits 0, and the browser
# test then skips itself with that reason.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "[browser] $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is already installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "[browser] not root: skipping the Chromium install (the browser test will be skipped)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "[browser] no apt-get here: skipping the Chromium install (the browser test will be skipped)"
    exit 0
fi
start=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "[browser] installed $(/usr/bin/chromium --version 2>/dev/null) in $(( $(date +%s) - start )) s"
else
    echo "[browser] apt-get could not install chromium (the browser test will be skipped)"
fi
exit 0
