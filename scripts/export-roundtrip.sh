#!/usr/bin/env bash
# The downloads as pandas reads them: tests/export/roundtrip.py against the
# release binary (built by scripts/browser-tests.sh, or here if missing), in
# a venv of its own under target/ with pandas pinned. Needs python3 with
# venv (Debian: apt-get install python3-venv) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PANDAS=3.1.1
venv=target/export-venv
[ -x target/release/summitkb ] || cargo build --release --locked --quiet
if ! "$venv/bin/python" -c "import pandas, sys; sys.exit(pandas.__version__ != '$PANDAS')" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pandas==$PANDAS"
fi
exec "$venv/bin/python" tests/export/roundtrip.py --bin target/release/summitkb
