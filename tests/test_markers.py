"""`pytest -m route_matrix` and `pytest -m fuzz` pick exactly the long matrices, so they run apart
from the rest (`-m "not route_matrix and not fuzz"`), as the README says."""

import subprocess
import sys


def collected(marker: str) -> set[str]:
    """The test files `pytest -m <marker>` collects, without running them."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marker, "tests/access", "tests/fuzz",
         "tests/reports/test_access.py", "tests/accounts/test_csrf.py", "tests/test_every_link.py"],
        capture_output=True, text=True, check=True,
    )
    return {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}


def test_route_matrix_picks_the_access_tables():
    assert collected("route_matrix") == {
        "tests/access/test_every_route.py", "tests/access/test_state_rules.py",
        "tests/reports/test_access.py", "tests/test_every_link.py",
    }


def test_fuzz_picks_the_fuzzers_and_leaves_their_pinned_regressions_to_every_run():
    assert collected("fuzz") == {
        "tests/fuzz/test_accounts.py", "tests/fuzz/test_dates.py", "tests/fuzz/test_forms.py",
        "tests/fuzz/test_queries.py", "tests/fuzz/test_uploads.py",
    }
    rest = collected("not route_matrix and not fuzz")
    assert rest == {"tests/fuzz/test_regressions.py", "tests/accounts/test_csrf.py"}
