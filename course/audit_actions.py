"""The audit log's vocabulary: every act it records has one name, `<target>.<verb>`.

`record_audit` (course.audit) accepts only these, so a misspelt or ad-hoc action cannot be
written; a plain string is accepted only if it is one of the values (entries read back from
the database are plain strings, and compare equal to the members).
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What happened. The part before the dot names the kind of thing acted on."""

    # Signing in and out, sessions and second factors
    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    SESSION_REVOKED = "auth.session_revoked"
    SESSIONS_REVOKED = "auth.sessions_revoked"
    PASSWORD_CHANGE = "auth.password_change"
    PASSWORD_RESET = "auth.password_reset"
    FIRST_PASSWORD = "auth.first_password"
    REAUTH = "auth.reauth"
    REAUTH_FAILED = "auth.reauth_failed"
    MFA_FAILED = "auth.mfa_failed"
    # Accounts
    USER_CREATE = "user.create"
    USER_PROFILE_CHANGE = "user.profile_change"
    USER_NAME_CHANGE = "user.name_change"
    USER_ROLE_CHANGE = "user.role_change"
    USER_DEACTIVATE = "user.deactivate"
    USER_REACTIVATE = "user.reactivate"
    USER_PASSWORD_RESET_SENT = "user.password_reset_sent"
    USER_EMAIL_VERIFIED = "user.email_verified"
    USER_EMAIL_CHANGE = "user.email_change"
    USER_MFA_ENABLED = "user.mfa_enabled"
    USER_MFA_RESET = "user.mfa_reset"
    USER_EXPORT = "user.export"
    USER_CLOSE = "user.close"
    # Certificates
    CERTIFICATE_ISSUE = "certificate.issue"
    CERTIFICATE_ISSUE_AFTER_REVOCATION = "certificate.issue_after_revocation"
    CERTIFICATE_REVOKE = "certificate.revoke"
    CERTIFICATE_REISSUE = "certificate.reissue"
    # Continuing education and insight
    CE_EDIT = "ce.edit"
    COHORT_EXPORT_CSV = "cohort.export_csv"
    # Authoring
    ARTICLE_IMPORT = "article.import"
    MODULE_EDIT = "module.edit"
    MODULE_PUBLISH = "module.publish"
    MODULE_UNPUBLISH = "module.unpublish"
    COURSE_PUBLISH = "course.publish"
    # The question bank
    QUESTION_CREATE = "question.create"
    QUESTION_EDIT = "question.edit"
    QUESTION_PUBLISH = "question.publish"
    QUESTION_RETIRE = "question.retire"
    QUESTION_RESTORE = "question.restore"
    QUESTION_RESTORE_VERSION = "question.restore_version"
    QUESTION_DELETE = "question.delete"
    QUESTION_REGRADE = "question.regrade"
    QUIZ_SETTINGS = "quiz.settings"
    QUESTIONS_IMPORT = "questions.import"  # GIFT or Aiken, into a course
    QUESTIONS_YAML_IMPORT = "questions.yaml_import"  # our quizzes/ YAML, into one module
