#!/usr/bin/env python3
"""The downloads as a researcher opens them: every CSV export read with
pandas (default encoding handling, and encoding="utf-8-sig"), compared
cell by cell with the JSON export of the same table; and every CSV checked
against RFC 4180 (byte-order mark, CRLF record ends, quoting) and read with
Python's csv "excel" dialect, since Excel itself cannot run here.

Starts the server binary on a free loopback port over a copy of seeds/ with
one extra record (tests/export/quoting.toml) whose summary holds a line
break, an ASCII quote and a comma, so the hardest cell is in the files.

    python tests/export/roundtrip.py [--bin target/release/summitkb]

Needs pandas (scripts/export-roundtrip.sh makes a venv with it). Exits 1
listing every difference.
"""

import argparse
import csv
import io
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROVENANCE = ["data_version", "source_attribution", "licence"]
FIXTURE_SLUG = "export-quoting-fixture"
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL  " + msg)


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return r.read()


def as_csv(v):
    """A JSON value as the CSV cell holding it (as tests/api/export.rs)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def rfc4180(raw, name):
    """Parses `raw` strictly as RFC 4180 (with a UTF-8 BOM first): records
    end in CRLF, a field holding a comma, quote, CR or LF is quoted, quotes
    inside are doubled. Returns the rows, or None after reporting."""
    if not raw.startswith(b"\xef\xbb\xbf"):
        fail(f"{name}: no UTF-8 byte-order mark (Excel would not read it as UTF-8)")
        return None
    text = raw[3:].decode("utf-8")
    rows, row, i, n = [], [], 0, len(text)
    while i < n:
        if text[i] == '"':
            j, field = i + 1, []
            while True:
                k = text.find('"', j)
                if k < 0:
                    fail(f"{name}: unterminated quoted field at {i}")
                    return None
                field.append(text[j:k])
                if text.startswith('""', k):
                    field.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            value = "".join(field)
        else:
            j = i
            while j < n and text[j] not in ',\r\n"':
                j += 1
            if j < n and text[j] == '"':
                fail(f"{name}: a quote inside an unquoted field at {j}")
                return None
            value, i = text[i:j], j
        row.append(value)
        if i < n and text[i] == ",":
            i += 1
            if i == n:
                row.append("")
            continue
        if text.startswith("\r\n", i):
            rows.append(row)
            row, i = [], i + 2
            continue
        if i < n:
            fail(f"{name}: a record ends in {text[i]!r} at {i}, not CRLF")
            return None
    if row:
        fail(f"{name}: the last record does not end in CRLF")
        rows.append(row)
    return rows


def norm(v):
    """A cell as pandas types it by default, made comparable with the
    JSON's: missing is empty, whole floats are integers, booleans lower."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def compare(name, how, columns, expected, got_columns, got_rows):
    if list(got_columns) != columns:
        fail(f"{name} ({how}): columns {list(got_columns)[:4]}… are not {columns[:4]}…")
        return
    if len(got_rows) != len(expected):
        fail(f"{name} ({how}): {len(got_rows)} rows, the JSON has {len(expected)}")
        return
    for r, (got, want) in enumerate(zip(got_rows, expected)):
        for c, g, w in zip(columns, got, want):
            if g != w:
                fail(f"{name} ({how}): row {r} column {c}: {g!r} is not the JSON's {w!r}")
                return


def check_pair(base, stem, query=""):
    name = f"{stem}.csv{query}"
    raw = get(base, f"/api/export/{stem}.csv{query}")
    data = json.loads(get(base, f"/api/export/{stem}.json{query}"))
    columns = data["columns"] + PROVENANCE
    prov = [data["data_version"], data["source_attribution"], data["licence"]]
    expected = [[as_csv(row.get(c)) for c in data["columns"]] + prov for row in data["rows"]]

    parsed = rfc4180(raw, name)
    if parsed is not None:
        compare(name, "RFC 4180", columns, expected, parsed[0], parsed[1:])
    text = raw.decode("utf-8-sig")
    excel = list(csv.reader(io.StringIO(text, newline=""), dialect="excel"))
    compare(name, "csv excel dialect", columns, expected, excel[0], excel[1:])

    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
        f.write(raw)
        path = f.name
    try:
        # As strings, every cell must be exactly the JSON's.
        for how, src, kw in [
            ("pandas, default encoding, file", path, {}),
            ("pandas, default encoding, bytes", io.BytesIO(raw), {}),
            ("pandas, utf-8-sig, file", path, {"encoding": "utf-8-sig"}),
        ]:
            df = pd.read_csv(src, dtype=str, keep_default_na=False, **kw)
            compare(name, how + ", dtype=str", columns, expected, df.columns, df.values.tolist())
        # As pandas types it by default (numbers, NaN for empty cells).
        df = pd.read_csv(path)
        typed = [[norm(v) for v in row] for row in df.values.tolist()]
        compare(name, "pandas, default types", columns, [[norm(v) for v in row] for row in expected], df.columns, typed)
    finally:
        os.unlink(path)
    return data, raw


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/summitkb"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="summitkb-export-")
    seeds = os.path.join(work, "seeds")
    shutil.copytree(os.path.join(ROOT, "seeds"), seeds)
    with open(os.path.join(ROOT, "tests/export/quoting.toml"), encoding="utf-8") as f:
        fixture = f.read()
    with open(os.path.join(seeds, "records/organizations.toml"), "a", encoding="utf-8") as f:
        f.write("\n" + fixture)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [args.bin, "serve", "--addr", f"127.0.0.1:{port}", "--db", os.path.join(work, "kb.sqlite"),
         "--seeds", seeds, "--static-dir", os.path.join(ROOT, "static"), "--base-url", base],
        env={**os.environ, "RUST_LOG": "warn"},
    )
    try:
        for _ in range(600):
            try:
                get(base, "/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit(f"the server exited with {server.returncode}")
                time.sleep(0.05)
        index = json.loads(get(base, "/api/export"))
        stems = sorted({d["name"][: -len(".csv")] for d in index["downloads"] if d["name"].endswith(".csv")})
        print(f"pandas {pd.__version__}: {len(stems)} tables and a search, CSV against JSON")
        for stem in stems:
            check_pair(base, stem)
        check_pair(base, "search", "?q=" + urllib.parse.quote("铁路"))

        # The hardest cell: a line break, an ASCII quote and a comma.
        data, raw = check_pair(base, "organizations")
        row = next((r for r in data["rows"] if r["slug"] == FIXTURE_SLUG), None)
        if row is None or "\n" not in row["summary"] or '"' not in row["summary"]:
            fail(f"the fixture record is not in organizations.json: {row}")
        else:
            quoted = '"' + row["summary"].replace('"', '""') + '"'
            if quoted.encode("utf-8") not in raw:
                fail("organizations.csv: the multi-line summary is not one quoted field with doubled quotes")
            df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
            cell = df.loc[df["slug"] == FIXTURE_SLUG, "summary"].tolist()
            if cell != [row["summary"]]:
                fail(f"pandas reads the multi-line summary as {cell!r}")
            else:
                print(f"ok    a cell with a line break, a quote and a comma reads back exactly: {row['summary']!r}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)
    print(f"ok    every CSV is RFC 4180 with a BOM and holds what its JSON holds ({len(stems) + 1} files)")


if __name__ == "__main__":
    main()
