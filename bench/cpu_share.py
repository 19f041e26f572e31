"""Where a run's CPU went on this machine: the CPU seconds of nginx, the gunicorn app servers,
PostgreSQL and this process (the clients), read from /proc before and after (Linux only). A process
that ends during the run loses its share, so a run keeps its servers and connections up."""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
GROUPS = {"nginx": "nginx", "gunicorn": "app servers", "postgres": "PostgreSQL"}


def _processes() -> dict[int, tuple[str, float]]:
    seen = {}
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            stat = (folder / "stat").read_text()
            command = (folder / "cmdline").read_bytes().split(b"\0")[:2]
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        words = b" ".join(command).decode(errors="replace")
        group = next((label for key, label in GROUPS.items() if key in name or key in words), None)
        if int(folder.name) == os.getpid():
            group = "clients (this process)"
        if group:
            seen[int(folder.name)] = (group, seconds)
    return seen


def snapshot() -> dict[int, tuple[str, float]]:
    return _processes()


def spent(before: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per group since `before` (processes started since count from zero)."""
    totals: dict[str, float] = {}
    for pid, (group, seconds) in _processes().items():
        totals[group] = totals.get(group, 0.0) + seconds - before.get(pid, (group, 0.0))[1]
    return {group: round(seconds, 2) for group, seconds in sorted(totals.items())}
