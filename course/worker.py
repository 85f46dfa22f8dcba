"""Entry point of the background worker: ``huey_consumer course.worker.huey``."""

from course import create_app
from course.tasks import bind_app, huey

bind_app(create_app())

__all__ = ["huey"]
