"""Typed SQLAlchemy models, one module per aggregate."""

from course.models.audit import AuditEntry
from course.models.ce import (
    ActivityAcknowledgement,
    CeActivity,
    ClaimCredential,
    CreditClaim,
    ExternalCredit,
    FollowUp,
    PreTest,
)
from course.models.certificate import (
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
    "ActivityAcknowledgement",
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "AuditEntry",
    "CeActivity",
    "Certificate",
    "CertificateStatus",
    "ClaimCredential",
    "Course",
    "CourseEvaluation",
    "CreditClaim",
    "ExternalCredit",
    "FollowUp",
    "PreTest",
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
