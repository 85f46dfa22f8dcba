"""Article import: an H1 above a byline and a sign-up line keeps its title; refs list ids once."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup

from course.content.article import parse_article
from tests.conftest import url

# The article an instructor pasted: the H1 title, a byline, then a lone sign-up line.
BYLINE_NEWSLETTER = """\
# Ketamine for Chronic Pain

By Dana Okafor

Subscribe to our newsletter for weekly updates in your inbox.

Chronic pain affects one adult in five [1]. Ketamine may help some of them [2].

## Who Responds

Patients with neuropathic pain respond best [2].

## References

1. Zunszain PA. Ketamine: synaptogenesis. Mol Psychiatry. 2013. doi:10.1038/mp.2013.87.
2. Smith J. Ketamine and inflammation. Brain Behav Immun. 2019. PMID: 31255681. \
doi:10.1016/j.bbi.2019.06.033.
"""

# A real teaser: a short line directly above the sign-up box goes with it; the title stays.
TEASER = """\
# Ketamine for Chronic Pain

Chronic pain affects one adult in five [1].

Follow your Curiosity

Subscribe to our newsletter for weekly updates in your inbox.

## Who Responds

Patients with neuropathic pain respond best [1].

## References

1. Zunszain PA. Ketamine: synaptogenesis. Mol Psychiatry. 2013. doi:10.1038/mp.2013.87.
"""

NO_TITLE = """\
Chronic pain affects one adult in five [1].

## Who Responds

Patients with neuropathic pain respond best [1].

## References

1. Zunszain PA. Ketamine: synaptogenesis. Mol Psychiatry. 2013.
"""


def test_h1_title_above_byline_and_newsletter_survives() -> None:
    draft = parse_article(BYLINE_NEWSLETTER)
    assert draft.title == "Ketamine for Chronic Pain"
    assert draft.warnings == []
    reasons = dict(draft.skipped)
    assert reasons[3].startswith("byline")
    assert reasons[5].startswith("newsletter:")
    assert 1 not in reasons
    assert [s.title for s in draft.sections] == ["Introduction", "Who Responds"]
    assert draft.sections[0].body.startswith("Chronic pain affects")


def test_a_real_teaser_line_alone_is_dropped() -> None:
    draft = parse_article(TEASER)
    assert draft.title == "Ketamine for Chronic Pain"
    reasons = dict(draft.skipped)
    assert reasons[5] == "newsletter teaser: Follow your Curiosity"
    assert reasons[7].startswith("newsletter:")
    assert set(reasons) == {5, 7}
    assert "Chronic pain affects" in draft.sections[0].body


def test_missing_title_warning_names_the_title_used() -> None:
    draft = parse_article(NO_TITLE)
    assert draft.title == "Who Responds"
    assert draft.warnings == [
        (1, "no '#' title line; titled the course after the first heading 'Who Responds'")
    ]


def _preview(client, text: str) -> BeautifulSoup:
    data = {"source_file": (io.BytesIO(text.encode()), "pain.md"), "fmt": "auto"}
    response = client.post(url("instructor.article_preview"), data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_preview_page_keeps_the_title_and_has_no_warning(client, db, staff) -> None:
    page = _preview(client, BYLINE_NEWSLETTER)
    assert page.find("input", attrs={"name": "title"})["value"] == "Ketamine for Chronic Pain"
    assert page.find(id="warnings-heading") is None
    skipped = page.find(id="article-skipped").get_text(" ", strip=True)
    assert "teaser" not in skipped


def test_preview_references_show_each_identifier_once(client, db, staff) -> None:
    page = _preview(client, BYLINE_NEWSLETTER)
    items = [li.get_text(" ", strip=True) for li in page.select("#article-references li")]
    second = items[1]
    assert second.startswith("Smith J. Ketamine and inflammation.")
    assert len(re.findall(r"31255681", second)) == 1, second
    assert len(re.findall(r"10\.1016/j\.bbi\.2019\.06\.033", second)) == 1, second
    assert len(re.findall(r"10\.1038/mp\.2013\.87", items[0])) == 1, items[0]
