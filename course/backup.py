"""Backups that keep certificates verifiable for years: `flask backup create|restore`.

A snapshot is three files sharing a stem, ``practicum-<UTC time>``:

* ``.sqlite3`` (SQLite's online backup API) or ``.pgdump`` (``pg_dump --format=custom``, one
  consistent transaction): a consistent copy taken while the app keeps serving;
* ``-keys.tar.gz``: the signing keys, mode 0600, kept apart so it can be stored apart;
* ``.json``: a manifest with checksums, the schema revision and the certificate count.

Restoring goes into an empty database only; the keys are added without overwriting any key.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from course import clock
from course.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead, with the reason for the operator."""


@dataclass(frozen=True)
class Snapshot:
    """The files of one snapshot."""

    database: Path
    keys: Path
    manifest: Path


def _pg_env(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    return [*args, "--dbname", url.database or ""], env


def _private_file(path: Path) -> int:
    """Open a new file only its owner can read (never an existing one)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_database(url: URL, target: Path) -> None:
    """Copy the live database consistently into ``target``."""
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database or "", timeout=30)
        try:
            os.close(_private_file(target))
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)  # one step: a consistent snapshot even under writes
            copy.close()
        finally:
            source.close()
        return
    args, env = _pg_env(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file"]
    subprocess.run([*command, str(target), *args], env=env, check=True)  # noqa: S603
    target.chmod(0o600)


def _pack_keys(keys_dir: Path, target: Path) -> int:
    """Write every signing key into a gzip tar only the owner can read; return the count."""
    files = sorted(p for p in keys_dir.glob("*.pem") if p.is_file()) if keys_dir.is_dir() else []
    with (
        os.fdopen(_private_file(target), "wb") as raw,
        tarfile.open(fileobj=raw, mode="w:gz") as tar,
    ):
        for path in files:
            tar.add(path, arcname=path.name)
    return len(files)


def _schema_facts() -> dict[str, object]:
    """The schema revision and certificate count, for the manifest."""
    names = set(inspect(db.engine).get_table_names())
    revision = (
        db.session.scalar(text("SELECT version_num FROM alembic_version"))
        if "alembic_version" in names
        else None
    )
    count = (
        db.session.scalar(text("SELECT count(*) FROM certificate")) if "certificate" in names else 0
    )
    db.session.rollback()
    return {"alembic_revision": revision, "certificates": count}


def create_backup(app: Flask, out_dir: Path, keys_dir: Path) -> Snapshot:
    """Snapshot the database and signing keys into ``out_dir`` while the app keeps serving."""
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = db.engine.url
    stem = "practicum-" + clock.now().strftime("%Y%m%dT%H%M%S.%fZ")
    suffix = ".sqlite3" if url.get_backend_name() == "sqlite" else ".pgdump"
    snapshot = Snapshot(
        database=out_dir / f"{stem}{suffix}",
        keys=out_dir / f"{stem}-keys.tar.gz",
        manifest=out_dir / f"{stem}.json",
    )
    facts = _schema_facts()
    try:
        _dump_database(url, snapshot.database)
        key_count = _pack_keys(keys_dir, snapshot.keys)
    except (OSError, sqlite3.Error, subprocess.CalledProcessError):
        for path in (snapshot.database, snapshot.keys):  # never leave half a snapshot behind
            path.unlink(missing_ok=True)
        raise
    manifest = {
        "format": 1,
        "created_at": clock.now().isoformat(),
        "backend": url.get_backend_name(),
        "database": {"file": snapshot.database.name, "sha256": _sha256(snapshot.database)},
        "keys": {"file": snapshot.keys.name, "sha256": _sha256(snapshot.keys), "count": key_count},
        **facts,
    }
    with os.fdopen(_private_file(snapshot.manifest), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
    return snapshot


def _ensure_empty() -> None:
    """Refuse to restore over data: the target database must hold no tables."""
    names = inspect(db.engine).get_table_names()
    if names:
        shown = ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")
        raise BackupError(
            f"refusing to restore: the database {db.engine.url.render_as_string()} is not empty "
            f"({len(names)} tables: {shown}). Restore into a new, empty database."
        )


def _restore_database(url: URL, source: Path) -> None:
    if source.suffix == ".sqlite3":
        if url.get_backend_name() != "sqlite":
            raise BackupError("a .sqlite3 snapshot restores only into a SQLite database")
        db.engine.dispose()
        snapshot = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(url.database or "", timeout=30)
        try:
            with target:
                snapshot.backup(target)
        finally:
            snapshot.close()
            target.close()
        return
    if url.get_backend_name() != "postgresql":
        raise BackupError("a .pgdump snapshot restores only into a PostgreSQL database")
    db.engine.dispose()
    args, env = _pg_env(url)
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    subprocess.run([*command, *args, str(source)], env=env, check=True)  # noqa: S603


def _restore_keys(archive: Path, keys_dir: Path) -> int:
    """Add the archived keys to ``keys_dir``; an existing key file is never overwritten."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    added = 0
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if not member.isfile() or name != member.name or not name.endswith(".pem"):
                raise BackupError(f"unexpected entry {member.name!r} in {archive}")
            target = keys_dir / name
            data = tar.extractfile(member)
            content = data.read() if data else b""
            if target.exists():
                if target.read_bytes() != content:
                    raise BackupError(f"{target} exists and differs from the archived key")
                continue
            with os.fdopen(_private_file(target), "wb") as handle:
                handle.write(content)
            added += 1
    return added


def _check(path: Path, expected: str | None) -> None:
    if expected and _sha256(path) != expected:
        raise BackupError(f"{path} does not match the checksum in its manifest")


def restore_backup(database: Path, keys: Path | None, keys_dir: Path) -> int:
    """Restore a snapshot into the (empty) configured database; return the keys added."""
    manifest_path = database.with_suffix(".json")
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    _check(database, manifest.get("database", {}).get("sha256"))
    if keys is None and manifest:
        keys = database.with_name(manifest["keys"]["file"])
    if keys is not None:
        _check(keys, manifest.get("keys", {}).get("sha256"))
    _ensure_empty()
    _restore_database(db.engine.url, database)
    return _restore_keys(keys, keys_dir) if keys is not None else 0


@click.group("backup")
def backup_cli() -> None:
    """Back up and restore the database and signing keys."""


@backup_cli.command("create")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None)
def create_command(out_dir: Path | None) -> None:
    """Take a consistent online snapshot of the database and, separately, the signing keys."""
    from course.certificates.issuer import keys_dir

    folder = out_dir or Path(current_app.instance_path) / "backups"
    snapshot = create_backup(current_app, folder, keys_dir(current_app))
    click.echo(f"database: {snapshot.database}")
    click.echo(f"keys:     {snapshot.keys} (mode 0600: store it apart from the database)")
    click.echo(f"manifest: {snapshot.manifest}")


@backup_cli.command("restore")
@click.argument("database", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--keys", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(database: Path, keys: Path | None) -> None:
    """Restore a snapshot into an empty database, and its signing keys beside any present."""
    from course.certificates.issuer import keys_dir

    try:
        added = restore_backup(database, keys, keys_dir(current_app))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {database.name}; added {added} signing key(s).")
