"""flask quiz audit-responses: list stored responses that strict grading would score 0."""

from __future__ import annotations

import click
from flask import current_app

from course.quiz.audit import invalid_responses


@click.group("quiz")
def quiz_cli() -> None:
    """Check quiz attempts."""


@quiz_cli.command("audit-responses")
@click.option("--fail", is_flag=True, help="Exit 1 when any over-scored response is found.")
def audit_responses_command(fail: bool) -> None:
    """List submitted responses their question type cannot hold, and where to regrade them."""
    found = list(invalid_responses())
    questions: dict[int, str] = {}
    for row in found:
        item, attempt = row.item, row.item.attempt
        flag = "OVER-SCORED" if row.overscored else "scored 0"
        click.echo(
            f"attempt {attempt.id} ({attempt.user.email}, {attempt.quiz.title} #{attempt.number}, "
            f"{'passed' if attempt.passed else 'not passed'} at {attempt.score or 0:.0%}): "
            f"question {item.version.question.uid} v{item.version.number}, "
            f"response {item.response}: {row.problem}; "
            f"stored item score {item.score or 0:.2f}, strict {row.strict_score:.2f} [{flag}]"
        )
        if row.overscored:
            questions[item.version.question_id] = item.version.question.uid
    over = sum(1 for r in found if r.overscored)
    attempts = len({r.item.attempt_id for r in found if r.overscored})
    click.echo(f"{len(found)} invalid response(s); {over} over-scored, in {attempts} attempt(s).")
    urls = current_app.url_map.bind(current_app.config.get("SERVER_NAME") or "localhost")
    for question_id, uid in sorted(questions.items()):
        path = urls.build("instructor.question_regrade", {"question_id": question_id})
        click.echo(f"Regrade {uid} (dry run first): {path}")
    if fail and over:
        raise click.ClickException(f"{over} over-scored response(s) need a regrade")
