"""The benchmark script runs end to end on a tiny database and prints the documented JSON.

The real runs (1 M and 10 M registrations) are not tests: see README "Ytelse (performance)".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
PAGES = {"oversikt", "kart", "tid", "trender", "bemanning", "fokus", "data", "hkh"}


def test_bench_json_on_a_tiny_database():
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    env.pop("FELTKART_DB", None)
    proc = subprocess.run([sys.executable, str(REPO_DIR / "bench" / "bench.py"), "--rows", "20000", "--json",
                           "--repeat", "1", "--no-cache", "--smoke"],
                          cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert {"rows", "pages", "baseline_pandas_ms", "feltkart_ms", "ratio", "peak_rss_mb"} <= set(report)
    assert report["rows"] == 20000
    assert PAGES <= set(report["pages"])
    for page, figures in report["pages"].items():
        assert figures["cold_ms"] > 0 and figures["warm_ms"] > 0, page
    for key in ("baseline_pandas_ms", "feltkart_ms", "ratio", "peak_rss_mb"):
        assert report[key] > 0, key
    assert report["ratio"] == round(report["baseline_pandas_ms"] / report["feltkart_ms"], 1)
    assert report["baseline_agrees"] is True  # the baseline computes the same figures
