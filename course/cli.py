"""CLI commands: flask content sync|lint|import-article, flask users create|demo, flask keys ..."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from course.audit_actions import AuditAction
from course.backup import backup_cli
from course.extensions import db
from course.quiz.cli import quiz_cli


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(quiz_cli)
    app.cli.add_command(backup_cli)


def _root() -> Path:
    return Path(current_app.root_path).parent


@click.group("content")
def content_cli() -> None:
    """Validate, sync and import course content."""


@content_cli.command("lint")
@click.option("--modules", "modules_dir", type=click.Path(path_type=Path), default=None)
@click.option("--quizzes", "quiz_dir", type=click.Path(path_type=Path), default=None)
def lint_command(modules_dir: Path | None, quiz_dir: Path | None) -> None:
    """Report every content problem with file and line; exit 1 if there is any."""
    from course.content.lint import lint_report

    modules_dir = modules_dir or _root() / current_app.config["CONTENT_DIR"]
    quiz_dir = quiz_dir or _root() / current_app.config["QUIZ_DIR"]
    report = lint_report(modules_dir, quiz_dir)
    for line in report.figures:
        click.echo(line)
    for problem in report.warnings:
        click.echo(f"{problem} [warning]")
    for problem in report.errors:
        click.echo(str(problem), err=True)
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} problem(s) found")
    click.echo(f"Content is clean ({len(report.warnings)} warning(s)).")


@content_cli.command("sync")
@click.option("--modules", "modules_dir", type=click.Path(path_type=Path), default=None)
@click.option("--quizzes", "quiz_dir", type=click.Path(path_type=Path), default=None)
def sync_command(modules_dir: Path | None, quiz_dir: Path | None) -> None:
    """Validate content files and upsert them into the database in one transaction."""
    from course.content.loader import load_content
    from course.content.sync import sync_bundle

    modules_dir = modules_dir or _root() / current_app.config["CONTENT_DIR"]
    quiz_dir = quiz_dir or _root() / current_app.config["QUIZ_DIR"]
    bundle = load_content(modules_dir, quiz_dir)
    if not bundle.ok:
        for problem in bundle.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("content has problems; nothing was synced")
    try:
        report = sync_bundle(bundle)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for label in report.added:
        click.echo(f"added     {label}")
    for label in report.changed:
        click.echo(f"changed   {label}")
    for label in report.unpublished:
        click.echo(f"unpublished {label}")
    for label in report.rerendered:
        click.echo(f"re-rendered {label}")
    click.echo(f"Synced: {report.summary()}.")


@content_cli.command("import-article")
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write the draft modules into (must be empty or new).",
)
@click.option("--overwrite", is_flag=True, help="Replace files in a non-empty folder.")
def import_article_command(article: Path, out_dir: Path, overwrite: bool) -> None:
    """Split an article into draft module files, one per section, plus its references."""
    from course.content.article import ArticleError, parse_article, write_drafts

    try:
        text = article.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{article}: not UTF-8 text ({exc})") from exc
    fmt = "markdown" if article.suffix.lower() in {".md", ".markdown"} else None
    try:
        draft = parse_article(text, fmt=fmt)
        written = write_drafts(draft, out_dir, overwrite=overwrite)
    except ArticleError as exc:
        raise click.ClickException(f"{article}: {exc}") from exc
    for line, reason in draft.skipped:
        click.echo(f"skipped   line {line}: {reason}")
    for line, warning in draft.warnings:
        click.echo(f"warning   line {line}: {warning}")
    for section in draft.sections:
        click.echo(f"section   {section.order}. {section.title}")
    click.echo(
        f"Wrote {len(written)} file(s) to {out_dir}: {len(draft.sections)} draft module(s), "
        f"{len(draft.references)} reference(s)."
    )


@click.group("users")
def users_cli() -> None:
    """Manage accounts."""


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["admin", "instructor", "learner"]), default="learner")
@click.option("--name", "full_name", default=None, help="Full name (defaults to the email's name).")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def create_user_command(email: str, role: str, full_name: str | None, generate: bool) -> None:
    """Create an account; prompts for the password unless --generate is given."""
    from course.auth.passwords import password_problems
    from course.auth.services import create_user
    from course.models import Role, User

    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="--email")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.ClickException(f"an account with email {email} already exists")
    password = (
        secrets.token_urlsafe(18)
        if generate
        else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    problems = password_problems(password, email=email, full_name=full_name or "")
    if problems:
        raise click.ClickException(" ".join(problems))
    create_user(
        email=email,
        password=password,
        full_name=full_name or email.split("@")[0],
        role=Role(role),
        verified=True,  # the operator vouches for the address
    )
    db.session.commit()
    click.echo(f"Created {role} {email}.")
    if generate:
        click.echo(f"Password (shown once): {password}")


@users_cli.command("demo")
def demo_users_command() -> None:
    """Create demo admin, instructor and learner accounts (development only), printed once."""
    from course.auth.services import create_user
    from course.models import Role, User

    if not current_app.config.get("CREATE_DEMO_USERS"):
        raise click.ClickException("demo accounts are only created in development")
    for role in (Role.ADMIN, Role.INSTRUCTOR, Role.LEARNER):
        email = f"{role.value}@example.org"  # .test is refused by the sign-in form
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        password = secrets.token_urlsafe(12)
        create_user(
            email=email,
            password=password,
            full_name=f"Demo {role.value.title()}",
            role=role,
            profession="MD" if role == Role.LEARNER else "Other",
            verified=True,  # so the demo can earn a certificate without a mailbox
        )
        db.session.commit()
        click.echo(f"  demo {role.value:<10} {email:<28} password: {password}")


@users_cli.command("reset-password")
@click.option("--email", required=True)
def reset_password_command(email: str) -> None:
    """Email a user a password-reset link, and print it once for the operator."""
    from course.audit import record_audit
    from course.auth.account import find_active, reset_message
    from course.mail import queue

    user = find_active(email)
    if user is None:
        raise click.ClickException(f"no active account has the address {email!r}")
    message = reset_message(user)
    record_audit(None, AuditAction.USER_PASSWORD_RESET_SENT, "user", user.id, details={"by": "cli"})
    db.session.commit()
    queue(message)
    link = next(line for line in message["text"].splitlines() if "/auth/reset/" in line)
    click.echo(f"Reset link for {user.email} (valid one hour, once; also emailed):\n{link.strip()}")


@users_cli.command("deactivate")
@click.option("--email", required=True)
@click.option("--reason", required=True, help="Why, for the audit log.")
def deactivate_command(email: str, reason: str) -> None:
    """Deactivate an account and revoke every session it has (records are kept)."""
    from course.audit import record_audit
    from course.auth.account import find_active
    from course.auth.sessions import revoke_all

    user = find_active(email)
    if user is None:
        raise click.ClickException(f"no active account has the address {email!r}")
    user.active = False
    revoked = revoke_all(user)
    record_audit(
        None, AuditAction.USER_DEACTIVATE, "user", user.id, reason=reason, details={"by": "cli"}
    )
    db.session.commit()
    click.echo(f"Deactivated {user.email}; {revoked} session(s) revoked.")


@click.group("audit")
def audit_cli() -> None:
    """Check the audit log."""


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Recompute the audit log's hash chain; exit 1 at the first entry that was altered."""
    from course.audit import verify_chain
    from course.models import AuditEntry

    entries = db.session.execute(
        select(AuditEntry)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=500, populate_existing=True)
    ).scalars()
    try:
        report = verify_chain(entries)
    finally:
        entries.close()  # a server-side cursor on PostgreSQL: close it even at a break
    if not report.ok:
        raise click.ClickException(
            f"audit log broken at entry {report.broken_at}: {report.problem} "
            f"({report.checked - 1} entries before it are intact)"
        )
    click.echo(f"Audit log intact: {report.checked} entries, every hash links.")


@click.group("keys")
def keys_cli() -> None:
    """Manage the credential-signing keys in instance/keys."""


@keys_cli.command("generate")
def generate_key_command() -> None:
    """Generate a new Ed25519 signing key; older keys stay for verification (rotation)."""
    from course.certificates.issuer import keys_dir
    from course.certificates.keys import generate_key

    directory = keys_dir(current_app)
    record = generate_key(directory)
    click.echo(f"Generated signing key {record.key_id} in {directory}.")


@keys_cli.command("ensure")
def ensure_key_command() -> None:
    """Generate a signing key only if none exists yet (used by `make run`)."""
    from course.certificates.issuer import keys_dir
    from course.certificates.keys import generate_key, load_keyring

    directory = keys_dir(current_app)
    if directory.exists() and load_keyring(directory).keys:
        return
    record = generate_key(directory)
    click.echo(f"Generated signing key {record.key_id} in {directory}.")
