"""The app as tests/cluster's gunicorns serve it: the production settings, on the test database.
That schema is made from the models (tests/conftest.py), not by migrations, so the start-up check
that the database is at the latest migration is left out; nothing else differs."""

import os

from app import create_app
from config import ProductionConfig, database_url


class ClusterTestConfig(ProductionConfig):
    SQLALCHEMY_DATABASE_URI = database_url(os.environ["JIWAR_TEST_DB"])
    JIWAR_CHECK_MIGRATIONS = False


app = create_app(ClusterTestConfig)
