"""One pagination module (course/pagination.py) and one pager partial for every listing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from course.models import User
from course.pagination import MAX_PAGE, Page, clamp, page_number, paginate, paginate_list
from tests.test_architecture import grep


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", 1), ("3", 3), ("-5", 1), ("0", 1), ("abc", 1), ("1e100", 1), ("9" * 30, MAX_PAGE)],
)
def test_page_numbers_are_clamped(app: Flask, raw: str, expected: int) -> None:
    with app.test_request_context(f"/?page={raw}"):
        assert page_number() == expected


def test_a_page_past_the_end_is_the_last_page() -> None:
    rows = list(range(120))
    page = paginate_list(rows, 99, 50)
    assert (page.number, page.pages, page.items) == (3, 3, rows[100:])
    assert (page.first, page.last, page.has_next, page.has_previous) == (101, 120, False, True)
    assert clamp(7, 0) == (1, 1)
    assert paginate_list([], 5).first == 0


def test_the_window_of_linked_pages() -> None:
    page = Page(items=[1], number=10, per_page=1, total=20)
    assert list(page.window()) == [7, 8, 9, 10, 11, 12, 13]
    assert list(Page([1], 1, 1, 2).window()) == [1, 2]


def test_a_select_is_paginated_and_clamped(db, make_user) -> None:
    users = [make_user() for _ in range(3)]
    page = paginate(select(User).order_by(User.id), 50, per_page=2)
    assert (page.number, page.pages, [u.id for u in page.items]) == (2, 2, [users[2].id])


def test_there_is_one_paginator_and_one_pager() -> None:
    defined = grep(r"def (paginate\w*|page_of|page_number|clamp)\b|class \w*Page\b", "course")
    assert {line.split(":")[0] for line in defined} == {"course/pagination.py"}
    pagers = grep(r"href=.*page=", "templates")
    assert {line.split(":")[0] for line in pagers} == {"templates/_partials/_pager.html"}
