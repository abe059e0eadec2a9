#!/usr/bin/env bash
# Installs the RustSec advisory database snapshot that cargo-deny reads, from
# a plain directory copy (default: ../shared/advisory-db beside the checkout),
# so `cargo deny --offline check` runs all four checks without the network.
#
# cargo-deny looks for the database under its `db-path` (default
# $CARGO_HOME/advisory-dbs) in a git repository whose directory name it
# derives from the database URL: advisory-db-3157b0e258782691 for
# https://github.com/rustsec/advisory-db. The snapshot has no .git, so it is
# committed once into a fresh repository there. Running the script again with
# a newer snapshot replaces the old one.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot="${1:-../shared/advisory-db}"
if [ ! -f "$snapshot/SNAPSHOT.txt" ] || [ ! -d "$snapshot/crates" ]; then
  echo "advisory-db.sh: no advisory database snapshot at $snapshot" >&2
  echo "  (expected SNAPSHOT.txt and crates/; see README, 'Dependencies')" >&2
  exit 1
fi

db_root="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
target="$db_root/advisory-db-3157b0e258782691"
stamp="$target/SNAPSHOT.txt"
if [ -f "$stamp" ] && cmp -s "$stamp" "$snapshot/SNAPSHOT.txt" && [ -d "$target/.git" ]; then
  echo "advisory database: up to date ($(head -c 200 "$stamp" | grep -o 'commit [0-9a-f]*' || true))"
  exit 0
fi

rm -rf "$target"
mkdir -p "$target"
cp -R "$snapshot"/. "$target"/
chmod -R u+w "$target"
git -C "$target" init -q
git -C "$target" add -A
git -C "$target" -c user.name=summitkb -c user.email=ci@localhost \
  commit -q -m "RustSec advisory database snapshot"
echo "advisory database: installed $(grep -o 'commit [0-9a-f]*' "$target/SNAPSHOT.txt" || true) in $target"
