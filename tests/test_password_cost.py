"""The suite hashes passwords cheaply; production keeps argon2id's strong parameters."""

from __future__ import annotations

from argon2 import extract_parameters
from argon2.low_level import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from course import create_app
from course.auth.passwords import hash_password, verify_password

PASSWORD = "correct horse battery staple"


def test_production_hashes_with_rfc_9106_low_memory_parameters(tmp_path) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 64,
            "PUBLIC_BASE_URL": "https://practicum.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"),
        }
    )
    with app.app_context():
        stored = hash_password(PASSWORD)
        assert verify_password(stored, PASSWORD)
    used = extract_parameters(stored)
    assert used.type is Type.ID
    assert (
        (used.time_cost, used.memory_cost, used.parallelism)
        == (
            RFC_9106_LOW_MEMORY.time_cost,
            RFC_9106_LOW_MEMORY.memory_cost,
            RFC_9106_LOW_MEMORY.parallelism,
        )
        == (3, 65536, 4)
    )


def test_the_test_app_hashes_cheaply(app) -> None:
    stored = hash_password(PASSWORD)
    used = extract_parameters(stored)
    assert (used.time_cost, used.memory_cost, used.parallelism) == (1, 8, 1)
    assert verify_password(stored, PASSWORD)
