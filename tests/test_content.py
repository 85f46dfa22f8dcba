"""Content pipeline: lint finds each problem with file and line; sync is idempotent and safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.content.loader import load_content
from course.content.render import render_markdown
from course.content.sync import sync_bundle
from course.models import Module, ModuleProgress, Question, QuestionVersion
from tests.conftest import ROOT, real_bundle

FIXTURES = ROOT / "tests" / "content"


def lint(app, *args: str):
    return app.test_cli_runner().invoke(args=["content", "lint", *args])


def test_real_course_lints_clean(app) -> None:
    """The real course has no errors and no warnings, and lint prints every bank figure."""
    result = lint(app)
    assert result.exit_code == 0, result.output
    assert "Content is clean (0 warning(s))" in result.output, result.output
    for figure in (
        "estimated time",
        "bank items:",
        "bank stems mentioning the article:",
        "bank clinical vignettes:",
        "bank tagged contraindication, caution or safety:",
        "bank largest authored key position:",
        "bank key is the strictly longest option:",
        "bank absolute words, keys vs distractors",
        "bank hedge words, keys vs distractors",
    ):
        assert figure in result.output, figure


def test_real_bank_meets_the_blueprint() -> None:
    """Issue #11's figures, checked on the real bank; multiple-answer items keep a wrong option."""
    from course.content.bankfigures import bank_figures

    questions = [q for s in real_bundle().quizzes for q in s.data.questions]
    assert [str(t) for t in bank_figures(questions) if not t.met] == []
    for q in questions:
        correct = [o.correct for o in q.options]
        if q.type == "multiple":
            assert any(correct), q.id
            assert not all(correct), q.id
        else:
            assert correct.count(True) == 1, q.id


def test_real_course_has_seven_modules_matching_article_sections() -> None:
    bundle = real_bundle()
    titles = [m.meta.title for m in sorted(bundle.modules, key=lambda m: m.meta.order)]
    assert titles == [
        "How Ketamine Care Is Delivered and How It Works",
        "Ketamine Therapy for Treatment-Resistant Depression",
        "Ketamine Therapy for Anxiety",
        "Ketamine for Patients with PTSD",
        "Ketamine Therapy for Bipolar Disorder",
        "Ketamine Therapy for Chronic Pain",
        "Who Is Ketamine Therapy Not Appropriate For?",
    ]
    assert len(bundle.course.references) >= 22
    for module in bundle.modules:
        assert 2 <= len(module.meta.objectives) <= 4


def test_valid_fixture_lints_clean(app) -> None:
    result = lint(app, "--modules", str(FIXTURES / "valid"), "--quizzes", "/nonexistent")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("fixture", "location", "message"),
    [
        ("broken-missing-field", "01-alpha.md:2:", "objectives: Field required"),
        ("broken-citation", "02-beta.md:15:", "citation [7] is not in the course reference list"),
        ("broken-duplicate-slug", "02-beta.md:2:", "duplicate module slug 'alpha'"),
        ("broken-duplicate-order", "02-beta.md:2:", "duplicate module order 1"),
        ("broken-unsafe-html", "02-beta.md:15:", "raw HTML is not allowed"),
        ("broken-unsafe-html", "02-beta.md:17:", "unsafe link scheme"),
        ("broken-yaml", "course.yaml:", "YAML syntax error"),
    ],
)
def test_each_broken_fixture_fails_with_file_and_line(
    app, fixture: str, location: str, message: str
) -> None:
    result = lint(app, "--modules", str(FIXTURES / fixture), "--quizzes", "/nonexistent")
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert any(f"{fixture}/{location}" in line for line in lines), result.output


def test_sync_is_idempotent_and_reports(app, db) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0, first.output
    assert "added     module delivery-and-mechanism" in first.output
    second = runner.invoke(args=["content", "sync"])
    assert second.exit_code == 0
    assert "0 added, 0 changed" in second.output
    assert db.session.scalar(select(func.count(Module.id))) == 7
    assert db.session.scalar(select(func.count(QuestionVersion.id))) == db.session.scalar(
        select(func.count(Question.id))
    )


def test_sync_refuses_broken_content_and_writes_nothing(app, db) -> None:
    result = app.test_cli_runner().invoke(
        args=["content", "sync", "--modules", str(FIXTURES / "broken-citation")]
    )
    assert result.exit_code != 0
    assert "nothing was synced" in result.output
    assert db.session.scalar(select(func.count(Module.id))) == 0


def test_sync_updates_changed_module_and_keeps_progress(app, db, make_user, tmp_path) -> None:
    import shutil

    content = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", content)
    sync_bundle(load_content(content))
    db.session.commit()
    learner = make_user()
    alpha = db.session.scalar(select(Module).where(Module.slug == "alpha"))
    db.session.add(ModuleProgress(user_id=learner.id, module_id=alpha.id))
    db.session.commit()
    path = content / "01-alpha.md"
    path.write_text(path.read_text().replace("Alpha is the first idea", "Alpha comes first"))
    report = sync_bundle(load_content(content))
    db.session.commit()
    assert "module alpha" in report.changed
    assert "module beta" in report.unchanged
    db.session.refresh(alpha)
    assert "Alpha comes first" in alpha.body_html
    assert db.session.scalar(select(func.count(ModuleProgress.id))) == 1
    (content / "02-beta.md").unlink()
    report = sync_bundle(load_content(content))
    db.session.commit()
    assert report.unpublished == ["module beta"]


def test_render_escapes_raw_html_and_links_citations() -> None:
    html = render_markdown("Text [1, 3-4] <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert 'href="#ref-1"' in html
    assert 'href="#ref-3"' in html
    assert 'href="#ref-4"' in html
    assert "javascript:" not in html.split("[x]")[0]


def test_rendered_modules_contain_no_active_content(course_content) -> None:
    for module in course_content.modules:
        assert "<script" not in module.body_html
        assert 'class="pearls"' in module.body_html
        assert "on" + "click" not in module.body_html


def test_every_module_citation_exists(course_content) -> None:
    numbers = {r["number"] for r in course_content.references}
    for module in course_content.modules:
        assert set(module.references) <= numbers
        assert module.references, module.slug


def test_disclaimer_and_accreditation_are_correct(course_content) -> None:
    assert "not a substitute" in course_content.disclaimer.lower()
    assert course_content.accreditation["accredited"] is False
    assert course_content.accreditation["credits"] == []


def _shingles(text: str) -> set[str]:
    import re

    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}


def _sources() -> dict[str, set[str]]:
    shared = Path(__file__).resolve().parents[2] / "shared" / "source"
    if not shared.is_dir():
        shared = Path("/work/shared/source")
    names = ("who-can-benefit-from-ketamine-therapy.txt", "clinical-safety-sources.md")
    return {name: _shingles((shared / name).read_text()) for name in names}


def test_lessons_and_items_copy_no_sentence_from_any_source() -> None:
    """No run of 8 consecutive words is shared with the article or the safety-sources page."""
    sources = _sources()
    texts = {p.name: p.read_text().split("---", 2)[2] for p in (ROOT / "modules").glob("*.md")}
    texts |= {p.name: p.read_text() for p in (ROOT / "quizzes").glob("*.yaml")}
    for name, text in sorted(texts.items()):
        for source, shingles in sources.items():
            shared = _shingles(text) & shingles
            assert not shared, f"{name} repeats {source}: {sorted(shared)[:3]}"


def test_import_article_cli_on_the_source(app, tmp_path) -> None:
    import frontmatter
    import yaml

    from tests.conftest import SHARED

    source = SHARED / "source" / "who-can-benefit-from-ketamine-therapy.txt"
    out = tmp_path / "drafts"
    result = app.test_cli_runner().invoke(
        args=["content", "import-article", str(source), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "7 draft module(s), 22 reference(s)" in result.output
    drafts = sorted(out.glob("*.md"))
    assert len(drafts) == 7
    assert frontmatter.load(drafts[1])["title"] == (
        "Ketamine Therapy for Treatment-Resistant Depression"
    )
    assert len(yaml.safe_load((out / "references.yaml").read_text())["references"]) == 22
    again = app.test_cli_runner().invoke(
        args=["content", "import-article", str(source), "--out", str(out)]
    )
    assert again.exit_code != 0


def test_lint_warns_when_declared_hours_outrun_the_estimate(app, tmp_path) -> None:
    """Declared hours over 25% above the estimate warn, and so do mismatched module minutes."""
    import shutil

    content = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", content)
    result = lint(app, "--modules", str(content), "--quizzes", "/nonexistent")
    assert "estimated time" in result.output
    assert "course.yaml:1: declares 0.5 hours" in result.output  # 30 min for a few words
    assert "01-alpha.md:2: declares 5 minutes" in result.output
    path = content / "course.yaml"
    path.write_text(path.read_text().replace("contact_hours: 0.5", "contact_hours: 0.25"))
    for module in content.glob("*.md"):  # 1,000 more words each: 5 minutes of reading
        module.write_text(module.read_text() + "\nMore reading for the learner. " * 200)
    quiet = lint(app, "--modules", str(content), "--quizzes", "/nonexistent")
    assert "declares" not in quiet.output, quiet.output
