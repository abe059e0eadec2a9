#!/usr/bin/env bash
# The browser suite: builds the release binary, installs the suite's npm
# packages (playwright-core, axe-core, vnu-jar; versions pinned in
# tests/browser/package-lock.json) and runs tests/browser/run.mjs against
# Debian's Chromium. Needs: node + npm, java, and
#   apt-get install chromium chromium-driver fonts-noto-cjk
# Screenshots land in target/screenshots/. Then the downloads as pandas
# reads them (scripts/export-roundtrip.sh, which needs python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
  # --ignore-scripts: vnu-jar's postinstall would download a JDK; the
  # machine's Java runs the checker.
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
status=0
node tests/browser/run.mjs || status=$?
scripts/export-roundtrip.sh || status=$?
exit $status
