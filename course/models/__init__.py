"""Typed SQLAlchemy models, one module per aggregate."""

from course.models.certificate import (
    AuditEntry,
    Certificate,
    CertificateStatus,
    CourseEvaluation,
    TimeAttestation,
)
from course.models.content import Course, Module, PublishStatus
from course.models.progress import Enrollment, ModuleProgress
from course.models.quiz import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    QuizKind,
)
from course.models.session import UserSession
from course.models.user import PROFESSIONS, Role, User

__all__ = [
    "PROFESSIONS",
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "AuditEntry",
    "Certificate",
    "CertificateStatus",
    "Course",
    "CourseEvaluation",
    "Enrollment",
    "Module",
    "ModuleProgress",
    "PublishStatus",
    "Question",
    "QuestionStatus",
    "QuestionVersion",
    "Quiz",
    "QuizKind",
    "Role",
    "TimeAttestation",
    "User",
    "UserSession",
]
