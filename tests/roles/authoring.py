"""Role-matrix rows for drafting from articles, the module editor and publishing."""

from __future__ import annotations

from course.models import Course, Module, PublishStatus

ROWS = {
    "instructor.articles": ("GET", "login", 403, 200, 200),
    "instructor.article_preview": ("POST", "login", 403, 400, 400),
    "instructor.article_create": ("POST", "login", 403, 400, 400),
    "instructor.modules": ("GET", "login", 403, 200, 200),
    "instructor.module_edit": ("GET", "login", 403, 200, 200),
    "instructor.module_publish": ("POST", "login", 403, 302, 302),
    "instructor.module_unpublish": ("POST", "login", 403, 302, 302),
    "instructor.course_publish": ("POST", "login", 403, 302, 302),
}


def extend_world(world: dict, db, make_user) -> None:
    """Add a module of a separate draft course, so publishing it never touches the real one."""
    course = Course(slug="matrix-draft-course", title="Matrix draft", status=PublishStatus.DRAFT)
    module = Module(
        course=course,
        slug="matrix-module",
        title="Matrix module",
        position=1,
        objectives=["Name one thing", "Name another thing"],
        body_md="Some text.",
        body_html="<p>Some text.</p>",
        status=PublishStatus.DRAFT,
    )
    db.session.add_all([course, module])
    db.session.commit()
    world["module_id"] = module.id
