"""The committed migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine

from course import create_app
from course.extensions import db
from tests.conftest import _config, database_url, is_postgres


def test_migrations_match_models(tmp_path) -> None:
    url = database_url() if is_postgres() else f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(_config(url))
    with app.app_context():
        db.drop_all()
        upgrade()
        engine = create_engine(url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        engine.dispose()
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
    assert diff == [], diff
