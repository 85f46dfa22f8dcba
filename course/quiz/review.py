"""What a submitted attempt's review may show, decided by the quiz's review options.

Like Moodle's review options, three things are controlled separately:
- correctness: each question's correct / partly correct / incorrect mark;
- the key: which options are correct, every option's rationale and the general feedback;
- choice feedback: the rationale of the option the learner chose, before the key is shown.
Choice feedback is only given where it says no more than the correctness mark already does:
the correctness mark is shown, the response is valid and it holds exactly one option.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.models import Attempt

KEY_POLICIES = ("after_pass_or_exhausted", "after_submit", "always", "never")
CORRECTNESS_POLICIES = ("after_submit", "with_key")


@dataclass(frozen=True)
class ReviewVisibility:
    """What the review page of one attempt may reveal."""

    questions: bool  # the questions and the learner's own answers
    correctness: bool
    key: bool

    def choice_feedback(self, chosen: list[str], valid: bool) -> bool:
        """Whether the rationale of the learner's own choice may be shown before the key."""
        return self.key or (self.correctness and valid and len(chosen) == 1)


def review_visibility(
    attempt: Attempt, *, passed_quiz: bool, attempts_remaining: int | None
) -> ReviewVisibility:
    """Apply the attempt's frozen review options; the key waits for a pass or no attempts left."""
    rules = attempt.rules
    policy = rules.review_policy
    if attempt.is_open or policy == "never":
        return ReviewVisibility(questions=False, correctness=False, key=False)
    if policy in ("after_submit", "always"):
        key = True
    else:
        key = passed_quiz or bool(attempt.passed) or attempts_remaining == 0
    correctness = key or rules.review_correctness == "after_submit"
    return ReviewVisibility(questions=True, correctness=correctness, key=key)
