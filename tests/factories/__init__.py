"""Factories for the objects tests need: plain functions with sensible defaults, committed.

One module per domain, mirroring app/; everything is importable from `tests.factories`.
"""

from tests.factories.accounts import *  # noqa: F403
from tests.factories.directory import *  # noqa: F403
from tests.factories.events import *  # noqa: F403
from tests.factories.proposals import *  # noqa: F403
from tests.factories.reports import *  # noqa: F403
