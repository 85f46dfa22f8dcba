"""Article importer: source article, fixtures, draft files, and robustness on arbitrary text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import frontmatter
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content import article
from course.content.article import (
    ArticleDraft,
    ArticleError,
    Reference,
    Section,
    parse_article,
    write_drafts,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "content" / "articles"
SOURCE = next(
    p / "source" / "who-can-benefit-from-ketamine-therapy.txt"
    for p in (ROOT.parent / "shared", Path("/work/shared"))
    if (p / "source").exists()
)
SOURCE_TITLES = [
    "Introduction",
    "Ketamine Therapy for Treatment-Resistant Depression",
    "Ketamine Therapy for Anxiety",
    "Ketamine for Patients with PTSD",
    "Ketamine Therapy for Bipolar Disorder",
    "Ketamine Therapy for Chronic Pain",
    "Who is ketamine therapy not appropriate for?",
]
SOURCE_CITATIONS = [
    [1, 2],
    [3, 4, 5, 6],
    [7, 8, 9, 10, 11],
    [12, 13, 14],
    [15, 16, 17],
    [18, 19, 20],
    [21, 22],
]
FURNITURE = [
    "Follow your Curiosity",
    "Sign up to receive",
    "Featured Image",
    "Pexels",
    "Author: Marie Hasty",
    "By Marie Hasty",
    "February 7, 2022",
    "The content provided is for educational",
    "Published by",
    "Marie Hasty",
    "You may also be interested in",
    "enrolled in ketamine therapy",
]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def source_text() -> str:
    """Return the course's source article."""
    return SOURCE.read_text(encoding="utf-8")


def fixture(name: str) -> str:
    """Return one fixture article."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def source_line(text: str, fragment: str) -> int:
    """Return the 1-based number of the first line of text containing fragment."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module")
def source() -> ArticleDraft:
    """The parsed source article."""
    return parse_article(source_text())


def test_source_has_seven_sections_in_order(source: ArticleDraft) -> None:
    assert source.title == "Who Can Benefit From Ketamine Therapy?"
    assert [s.title for s in source.sections] == SOURCE_TITLES
    assert [s.order for s in source.sections] == list(range(1, 8))
    assert [s.slug for s in source.sections][:2] == [
        "introduction",
        "ketamine-therapy-for-treatment-resistant-depression",
    ]
    assert source.sections[-1].slug == "who-is-ketamine-therapy-not-appropriate-for"
    assert source.warnings == []


def test_source_introduction_spans_the_intro_paragraphs(source: ArticleDraft) -> None:
    intro = source.sections[0].body
    assert intro.startswith("When most Americans hear the word")
    assert intro.rstrip().endswith("most responsive to ketamine therapy.")
    assert "Infusion only or combined with Therapy" in intro
    assert "Ketamine therapy is usually delivered by licensed therapists" in intro
    assert "fringe drug" not in intro  # the standfirst belongs to the masthead
    assert source.sections[0].line == source_line(source_text(), "When most Americans")


def test_source_section_bodies_and_lines(source: ArticleDraft) -> None:
    text = source_text()
    for section in source.sections[1:]:
        assert section.line == source_line(text, section.title)
        assert section.title not in section.body
    assert source.sections[1].body.startswith("Depression is a leading cause")
    last = source.sections[-1].body
    assert last.startswith("Ketamine is not indicated for patients in acute mania")
    assert last.rstrip().endswith("help people with mental health diagnoses.")
    assert "online ketamine course" not in last  # the closing promotion is furniture


def test_source_references(source: ArticleDraft) -> None:
    refs = {r.number: r for r in source.references}
    assert [r.number for r in source.references] == list(range(1, 23))
    assert refs[1].doi == "10.1038/mp.2013.87"
    assert refs[1].url == "https://doi.org/10.1038/mp.2013.87"
    assert refs[1].citation.startswith("Zunszain, P. A.")
    assert "https://" not in refs[1].citation
    assert refs[2].doi == "10.1016/j.bbi.2019.06.033"
    assert refs[2].pmid == "31255681"
    assert refs[2].url == "https://doi.org/10.1016/j.bbi.2019.06.033"
    assert refs[3].doi is None
    assert refs[3].url == "https://www.who.int/news-room/fact-sheets/detail/depression"
    assert (refs[12].doi, refs[12].pmid, refs[12].url) == (None, None, None)
    assert refs[12].citation.startswith("American Psychiatric Association. Diagnostic")
    assert refs[21].doi == "10.7759/cureus.14228"
    assert refs[21].citation.endswith("Cureus.")
    assert refs[11].pmid == "26037911"


def test_source_citations_per_section(source: ArticleDraft) -> None:
    assert [s.citations for s in source.sections] == SOURCE_CITATIONS


@pytest.mark.parametrize("snippet", FURNITURE)
def test_source_furniture_is_dropped_and_listed(source: ArticleDraft, snippet: str) -> None:
    assert all(snippet not in s.body for s in source.sections)
    assert any(snippet in reason for _, reason in source.skipped)


def test_source_skipped_lines_point_at_the_furniture(source: ArticleDraft) -> None:
    text = source_text()
    skipped = dict(source.skipped)
    assert skipped[source_line(text, "Sign up to receive")].startswith("newsletter:")
    assert skipped[source_line(text, "Follow your Curiosity")].startswith("newsletter teaser")
    assert skipped[source_line(text, "Pexels")].startswith("image credit")
    assert skipped[source_line(text, "February 7")].startswith("date line")
    assert skipped[source_line(text, "If you")].startswith("promotion")
    assert skipped[source_line(text, "Published by")].startswith("author box")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "\ufeff" + t.replace("\n", "\r"),
        lambda t: t.replace(" ", "\u00a0", 40).replace("Sign up", "\tSign up"),
        lambda t: t.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"'),
    ],
    ids=["crlf", "bom-cr", "nbsp-tab", "straight-quotes"],
)
def test_source_survives_encoding_variants(
    source: ArticleDraft, mangle: Callable[[str], str]
) -> None:
    draft = parse_article(mangle(source_text()))
    assert [s.title for s in draft.sections] == SOURCE_TITLES
    assert [s.citations for s in draft.sections] == SOURCE_CITATIONS
    assert draft.references[1] == source.references[1]
    assert len(draft.references) == 22
    assert all("Sign up" not in s.body for s in draft.sections)


def test_markdown_fixture() -> None:
    draft = parse_article(fixture("markdown.md"))
    assert draft.title == "Esketamine in Practice"
    assert [s.title for s in draft.sections] == [
        "Introduction",
        "How It Is Given",
        "Who Should Avoid It",
    ]
    intro, given_, avoid = draft.sections
    assert "![A clinic room](clinic.jpg)" in intro.body
    assert "Unsplash" not in intro.body
    assert "# this line is code, not a heading" in given_.body
    assert "### Monitoring" in given_.body
    assert given_.citations == [1, 2, 3]
    assert avoid.citations == [3, 9]
    assert "newsletter" not in avoid.body
    assert draft.warnings == [(23, "citation [9] has no reference 9")]
    refs = draft.references
    assert [r.number for r in refs] == [1, 2, 3]
    assert refs[0].doi == "10.1000/xyz.123"
    assert (refs[1].doi, refs[1].url) == (None, "https://example.org/nasal-ketamine")
    assert refs[2].doi == "10.5555/bp.2021.(7)"
    assert refs[2].pmid == "12345678"
    reasons = dict(draft.skipped)
    assert reasons[34].startswith("related links")
    assert 36 in reasons  # the related-links list after the heading


def test_markdown_forced_as_text_reads_hashes_literally() -> None:
    with pytest.raises(ArticleError):
        parse_article("# Title\n\nSome body text here.\n", fmt="text")
    draft = parse_article("# Title\n\n## Part One\n\nBody.\n", fmt="markdown")
    assert [s.title for s in draft.sections] == ["Part One"]


def test_plain_text_fixture() -> None:
    draft = parse_article(fixture("plain.txt"))
    assert draft.title == "Ketamine and the Emergency Department"
    assert [s.title for s in draft.sections] == [
        "Introduction",
        "Why Clinicians Choose It",
        "Is It Safe for Children?",
        "A Short Line That Looks Like a Heading",
        "Dosing Notes",
    ]
    assert [s.citations for s in draft.sections] == [[1], [2], [2, 3], [4], [1, 2]]
    assert draft.sections[2].body.startswith("Pediatric use is common")
    assert draft.sections[0].body.count("\n") == 2  # hard wrapping kept
    assert draft.warnings == [(21, "citation [4] has no reference 4")]
    skipped = dict(draft.skipped)
    assert {2, 3, 9, 23, 25, 37, 38} <= skipped.keys()
    assert skipped[23].startswith("newsletter teaser")
    refs = draft.references
    assert refs[0].doi == "10.1016/j.annemergmed.2010.11.030"
    assert refs[0].citation.endswith("doi: 10.1016/j.annemergmed.2010.11.030")
    assert (refs[1].pmid, refs[1].doi, refs[1].url) == ("18534269", None, None)
    assert (refs[2].doi, refs[2].url) == (None, None)
    assert all("Jane Doe" not in s.body for s in draft.sections)


def test_pathological_fixture() -> None:
    draft = parse_article(fixture("pathological.txt"))
    assert draft.title == "\u201cKetamine\u2019s\u201d Odd Corners"
    assert [s.slug for s in draft.sections] == ["introduction", "dosing", "dosing-2", "uber-angste"]
    intro = draft.sections[0]
    assert "\u200b" not in intro.body
    assert "\u00a0" not in intro.body
    assert "\t" not in intro.body
    assert intro.citations == [1, 2]
    assert draft.sections[1].citations == [0]
    messages = [m for _, m in draft.warnings]
    assert "unreadable citation range [5-1]" in messages
    assert "unreadable citation range [1-1000]" in messages
    assert "references heading has no numbered items after it" in messages
    assert draft.references == []
    assert dict(draft.skipped)[19].startswith("unheaded text after references")


def test_references_numbered_lazily_or_with_duplicates() -> None:
    text = "# T\n\n## A\n\nBody [2].\n\n## References\n\n1. One.\n1. Two.\n1. Three.\n"
    draft = parse_article(text)
    assert [r.citation for r in draft.references] == ["One.", "Two.", "Three."]
    assert [r.number for r in draft.references] == [1, 2, 3]
    dup = parse_article("# T\n\n## A\n\nBody.\n\n## References\n\n1. One.\n2. Two.\n2. Again.\n")
    assert [r.citation for r in dup.references] == ["One.", "Two."]
    assert any("duplicate reference number 2" in m for _, m in dup.warnings)


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff", "\r\n\r\n", "\u200b\u00a0"])
def test_empty_input_is_an_article_error(text: str) -> None:
    with pytest.raises(ArticleError) as info:
        parse_article(text)
    assert info.value.line == 1
    assert "empty" in info.value.message


def test_text_without_headings_or_references_is_refused() -> None:
    text = "A plain note\n\nIt has two paragraphs. Neither is a heading.\n\nThe end of it.\n"
    with pytest.raises(ArticleError) as info:
        parse_article(text)
    assert info.value.line == 1
    assert "no section headings and no reference list" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_text_with_references_but_no_headings_is_one_introduction() -> None:
    text = "A plain note\n\nIt cites one paper [1].\n\nReferences:\n1. Paper. PMID: 42\n"
    draft = parse_article(text)
    assert [(s.title, s.citations) for s in draft.sections] == [("Introduction", [1])]
    assert draft.references == [Reference(1, "Paper. PMID: 42", None, "42", None)]


def test_all_furniture_is_an_article_error() -> None:
    text = "T\n\nSign up to get our newsletter in your inbox.\n\nReferences\n1. A paper.\n"
    with pytest.raises(ArticleError, match="no sections found"):
        parse_article(text)


def test_unknown_format_is_an_article_error() -> None:
    with pytest.raises(ArticleError, match="unknown format"):
        parse_article("# T\n\n## A\n\nx\n", fmt="html")


def read_back(path: Path) -> frontmatter.Post:
    """Load one written draft module."""
    return frontmatter.loads(path.read_text(encoding="utf-8"))


def test_write_drafts_round_trips(source: ArticleDraft, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    paths = write_drafts(source, out)
    names = sorted(p.name for p in out.iterdir())
    assert sorted(p.name for p in paths) == names
    assert names[0] == "01-introduction.md"
    assert names[-1] == "references.yaml"
    assert len(names) == 8
    for section, path in zip(source.sections, paths, strict=False):
        post = read_back(path)
        words = len(section.body.split())
        assert post.metadata == {
            "slug": section.slug,
            "title": section.title,
            "order": section.order,
            "minutes": max(5, math.ceil(words / 200)),
            "objectives": [],
            "references": section.citations,
            "status": "draft",
        }
        note = "> Draft imported from Who Can Benefit From Ketamine Therapy? Rewrite in your own"
        assert post.content.startswith(note)
        assert post.content.endswith(section.body.rstrip())
        assert "<" not in post.content.splitlines()[0]
    data = yaml.safe_load((out / "references.yaml").read_text(encoding="utf-8"))
    assert [Reference(**r) for r in data["references"]] == source.references


def test_minutes_estimate(tmp_path: Path) -> None:
    long_body = " ".join(["word"] * 1001)
    draft = ArticleDraft(
        "A title.",
        [Section("Long", "long", 1, long_body, 1, []), Section("Short", "short", 2, "x", 5, [4])],
        [],
    )
    paths = write_drafts(draft, tmp_path / "out")
    assert read_back(paths[0]).metadata["minutes"] == 6
    assert read_back(paths[1]).metadata["minutes"] == 5
    assert read_back(paths[1]).content.startswith("> Draft imported from A title. Rewrite")
    assert yaml.safe_load(paths[2].read_text(encoding="utf-8")) == {"references": []}


def test_empty_out_dir_is_filled(source: ArticleDraft, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    paths = write_drafts(source, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_non_empty_out_dir_is_refused_unless_overwrite(
    source: ArticleDraft, tmp_path: Path
) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    (out / "keep.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ArticleError) as info:
        write_drafts(source, out)
    assert info.value.line == 0
    assert "not empty" in info.value.message
    assert [p.name for p in out.iterdir()] == ["keep.md"]
    write_drafts(source, out, overwrite=True)
    assert not (out / "keep.md").exists()
    assert (out / "07-who-is-ketamine-therapy-not-appropriate-for.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts"]  # no temp dirs left


def test_write_failure_leaves_nothing_half_written(
    source: ArticleDraft, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = article._module_text

    def flaky(title: str, section: Section) -> str:
        if section.order == 4:
            raise OSError("disk full")
        return real(title, section)

    monkeypatch.setattr(article, "_module_text", flaky)
    with pytest.raises(OSError, match="disk full"):
        write_drafts(source, tmp_path / "fresh")
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    old.mkdir()
    (old / "keep.md").write_text("mine", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        write_drafts(source, old, overwrite=True)
    assert [p.name for p in old.iterdir()] == ["keep.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_out_dir_that_is_a_file_is_refused(source: ArticleDraft, tmp_path: Path) -> None:
    target = tmp_path / "file.md"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ArticleError, match="not a directory"):
        write_drafts(source, target)


def check_invariants(draft: ArticleDraft, text: str) -> None:
    """Assert what every successful parse must satisfy."""
    slugs = [s.slug for s in draft.sections]
    assert draft.sections
    assert len(set(slugs)) == len(slugs)
    assert all(SLUG.match(slug) for slug in slugs)
    assert [s.order for s in draft.sections] == list(range(1, len(slugs) + 1))
    assert all(s.citations == sorted(set(s.citations)) for s in draft.sections)
    line_count = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert all(1 <= line <= line_count for line, _ in draft.skipped + draft.warnings)


def check_outcome(text: str, fmt: str | None) -> None:
    """Parse text: an ArticleError with a line is fine, any other exception fails the test."""
    error: ArticleError | None = None
    try:
        draft = parse_article(text, fmt=fmt)
    except ArticleError as exc:
        error = exc
    if error is None:
        check_invariants(draft, text)
    else:
        assert error.line >= 0
        assert error.message


VOCABULARY = [
    *source_text().splitlines()[:12],
    *source_text().splitlines()[108:125],
    "",
    "",
    "# Title",
    "## Section [1, 2]",
    "### Deep",
    "#",
    "```",
    "~~~",
    "References",
    "References:",
    "1. A ref doi: 10.1/x.",
    "  2) https://doi.org/10.9/y).",
    "[3] PMID: 1",
    "- bullet ref",
    "Title Case Heading",
    "Is This a Question?",
    "Body text with a citation [1-3] and [7] and [0-0].",
    "Sign up to get updates in your inbox.",
    "Published by:",
    "\u00a0\t\ufeff",
    "[9999-1]",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_but_article_error(text: str) -> None:
    check_outcome(text, None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(VOCABULARY), max_size=40),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from([None, "text", "markdown"]),
)
def test_article_like_text_never_raises_anything_but_article_error(
    lines: list[str], newline: str, fmt: str | None
) -> None:
    text = newline.join(lines)
    check_outcome(text, fmt)
