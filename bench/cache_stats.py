"""gunicorn config for the soak: each worker, as it exits, writes how often every in-process cache
of the app (the functools caches: date texts, enum labels, locales; the public pages kept) was
hit, so the soak and make bench's write mix can report each cache's hit rate under mixed traffic
(`python -m bench.soak`, bench/write_mix.py; the app never imports this)."""

import functools
import json
import os
import sys
from pathlib import Path


def cache_counts() -> dict[str, list[int]]:
    counts = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("app.") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            # Only the module's own caches (not one it imported; not Flask's context proxies).
            if isinstance(value, functools._lru_cache_wrapper) and value.__module__ == name:
                stats = value.cache_info()
                counts[f"{name}.{attribute}"] = [stats.hits, stats.misses]
    page_cache = sys.modules.get("app.core.page_cache")
    if page_cache is not None:  # the public pages kept for visitors without a cookie
        counts["app.core.page_cache.PageCache"] = [page_cache.counts.hits, page_cache.counts.misses]
    return counts


def summed_counts(folder: Path) -> dict[str, list[int]]:
    """Each cache's [hits, misses], summed over the workers that wrote into `folder`."""
    totals: dict[str, list[int]] = {}
    for worker in folder.glob("*.json"):
        for name, (hits, misses) in json.loads(worker.read_text()).items():
            total = totals.setdefault(name, [0, 0])
            total[0] += hits
            total[1] += misses
    return totals


def worker_exit(_server, worker) -> None:
    folder = os.environ.get("JIWAR_CACHE_STATS_DIR")
    if folder:
        Path(folder, f"{worker.pid}.json").write_text(json.dumps(cache_counts()))
