"""The app starts, serves the catalog, and the real course syncs."""

from course.models import Course


def test_catalog_lists_course(course_content, get_page) -> None:
    soup = get_page("learning.catalog")
    assert course_content.title in soup.get_text()
    assert isinstance(course_content, Course)
