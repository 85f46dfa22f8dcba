"""Item analysis for a quiz: facility, discrimination, distractors and KR-20 reliability.

Pure functions over plain data; nothing here touches the database. Conventions:

* Item scores are fractions of the item's mark, in [0, 1].
* ``facility`` is the mean item score (Moodle's "facility index").
* ``discrimination_point_biserial`` is the Pearson correlation between the item score and the
  learner's score on the REST of the test (total minus this item), as Moodle's "discrimination
  index" does. With ``corrected=False`` the plain item-total correlation is returned.
* ``discrimination_upper_lower`` sorts learners by total score, descending, with Python's stable
  sort, so tied learners keep their input order (pass learners in a reproducible order, e.g. by
  attempt id). Each group holds ``ceil(n * fraction)`` learners, capped at ``n // 2`` so the
  groups never overlap.
* ``kr20`` uses the POPULATION variance of total scores (divide by n), matching the population
  p*q item variances in the numerator.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

NOT_ENOUGH = "not enough attempts"
TOO_HARD, TOO_EASY, LOW_DISCRIMINATION = "too hard", "too easy", "low discrimination"


@dataclass(frozen=True)
class ItemResponse:
    """One learner's graded response to one item (question version)."""

    learner_id: Hashable
    item_id: Hashable
    score: float
    choice_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    """An item to report on, with its option keys and correct keys (empty if not choice-based)."""

    item_id: Hashable
    option_keys: tuple[str, ...] = ()
    correct_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptionStat:
    """How often one option of a choice item was chosen."""

    key: str
    count: int
    frequency: float
    is_key: bool
    never_chosen: bool
    beats_key: bool


@dataclass(frozen=True)
class ItemStats:
    """Statistics for one item, withheld (None) when there are too few attempts."""

    item_id: Hashable
    attempts: int
    note: str | None = None
    facility: float | None = None
    discrimination: float | None = None
    upper_lower: float | None = None
    options: list[OptionStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuizReport:
    """Item statistics plus whole-test reliability for one quiz."""

    learners: int
    kr20: float | None
    kr20_learners: int
    items: list[ItemStats]
    note: str | None = None


def _mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean of a non-empty sequence."""
    return math.fsum(values) / len(values)


def facility(scores: Sequence[float]) -> float:
    """Return the mean item score (facility index) of a non-empty list of scores."""
    if not scores:
        raise ValueError("facility needs at least one score")
    return _mean(scores)


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Return the Pearson correlation, or None when either variable has zero variance."""
    mx, my = _mean(xs), _mean(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _check_pairs(item_scores: Sequence[float], total_scores: Sequence[float]) -> None:
    """Raise ValueError unless item and total scores pair up one to one."""
    if len(item_scores) != len(total_scores):
        raise ValueError("item_scores and total_scores must have the same length")


def discrimination_point_biserial(
    item_scores: Sequence[float], total_scores: Sequence[float], corrected: bool = True
) -> float | None:
    """Correlate item score with the rest-of-test score (or the total when not corrected)."""
    _check_pairs(item_scores, total_scores)
    if len(item_scores) < 2:
        return None
    other = total_scores
    if corrected:
        other = [t - s for s, t in zip(item_scores, total_scores, strict=True)]
    return _pearson(item_scores, other)


def discrimination_upper_lower(
    item_scores: Sequence[float], total_scores: Sequence[float], fraction: float = 0.27
) -> float | None:
    """Return mean item score in the top group minus the bottom group, ranked by total score."""
    _check_pairs(item_scores, total_scores)
    if not 0 < fraction <= 0.5:
        raise ValueError("fraction must be in (0, 0.5]")
    n = len(item_scores)
    group = min(math.ceil(n * fraction), n // 2)
    if group < 1 or max(total_scores) == min(total_scores):
        return None
    order = sorted(range(n), key=lambda i: total_scores[i], reverse=True)
    upper = [item_scores[i] for i in order[:group]]
    lower = [item_scores[i] for i in order[n - group :]]
    return _mean(upper) - _mean(lower)


def distractor_analysis(
    choices: Sequence[tuple[str, ...]], option_keys: Sequence[str], correct_keys: Sequence[str]
) -> list[OptionStat]:
    """Count each option's selections; frequency is per response, so multi-response sums > 1."""
    counts = dict.fromkeys(option_keys, 0)
    for chosen in choices:
        for key in set(chosen):
            if key not in counts:
                raise ValueError(f"choice {key!r} is not one of the item's options")
            counts[key] += 1
    correct = set(correct_keys)
    # A distractor "beats the key" when chosen more often than the least-chosen correct option.
    key_floor = min((counts[k] for k in correct if k in counts), default=None)
    total = len(choices)
    return [
        OptionStat(
            key=key,
            count=count,
            frequency=count / total if total else 0.0,
            is_key=key in correct,
            never_chosen=count == 0,
            beats_key=key not in correct and key_floor is not None and count > key_floor,
        )
        for key, count in counts.items()
    ]


def kr20(item_score_matrix: Sequence[Sequence[float]]) -> float | None:
    """Return KR-20 for a learners-by-items 0/1 matrix; None when k < 2 or totals do not vary."""
    if not item_score_matrix:
        return None
    k = len(item_score_matrix[0])
    if any(len(row) != k for row in item_score_matrix):
        raise ValueError("every row must score the same items")
    if any(v not in (0, 1) for row in item_score_matrix for v in row):
        raise ValueError("KR-20 needs dichotomous (0/1) item scores")
    if k < 2:
        return None
    totals = [math.fsum(row) for row in item_score_matrix]
    mean_total = _mean(totals)
    var_total = math.fsum((t - mean_total) ** 2 for t in totals) / len(totals)
    if var_total <= 1e-12:
        return None
    pq = 0.0
    for j in range(k):
        p = _mean([row[j] for row in item_score_matrix])
        pq += p * (1 - p)
    return (k / (k - 1)) * (1 - pq / var_total)


def flags(facility: float | None, discrimination: float | None) -> list[str]:
    """Return warnings: too hard (< 0.3), too easy (> 0.95), low discrimination (< 0.2)."""
    out: list[str] = []
    if facility is not None and facility < 0.3:
        out.append(TOO_HARD)
    if facility is not None and facility > 0.95:
        out.append(TOO_EASY)
    if discrimination is not None and discrimination < 0.2:
        out.append(LOW_DISCRIMINATION)
    return out


def _index(
    responses: Sequence[ItemResponse], item_ids: set[Hashable]
) -> dict[Hashable, dict[Hashable, ItemResponse]]:
    """Group responses by learner then item, rejecting unknown items and duplicates."""
    by_learner: dict[Hashable, dict[Hashable, ItemResponse]] = {}
    for r in responses:
        if r.item_id not in item_ids:
            raise ValueError(f"response for unknown item {r.item_id!r}")
        row = by_learner.setdefault(r.learner_id, {})
        if r.item_id in row:
            raise ValueError(f"learner {r.learner_id!r} answered item {r.item_id!r} twice")
        row[r.item_id] = r
    return by_learner


def _item_stats(
    spec: ItemSpec,
    rows: Mapping[Hashable, Mapping[Hashable, ItemResponse]],
    totals: Mapping[Hashable, float],
    min_attempts: int,
    fraction: float,
) -> ItemStats:
    """Assemble the statistics for one item, or withhold them below ``min_attempts``."""
    answered = [(lid, row[spec.item_id]) for lid, row in rows.items() if spec.item_id in row]
    if len(answered) < max(1, min_attempts):
        return ItemStats(spec.item_id, len(answered), note=NOT_ENOUGH)
    scores = [r.score for _, r in answered]
    item_totals = [totals[lid] for lid, _ in answered]
    fac = facility(scores)
    disc = discrimination_point_biserial(scores, item_totals)
    options: list[OptionStat] = []
    if spec.option_keys:
        options = distractor_analysis(
            [r.choice_keys for _, r in answered], spec.option_keys, spec.correct_keys
        )
    return ItemStats(
        spec.item_id,
        len(answered),
        facility=fac,
        discrimination=disc,
        upper_lower=discrimination_upper_lower(scores, item_totals, fraction),
        options=options,
        flags=flags(fac, disc),
    )


def item_report(
    responses: Sequence[ItemResponse],
    items: Sequence[ItemSpec],
    *,
    totals: Mapping[Hashable, float] | None = None,
    min_attempts: int = 30,
    fraction: float = 0.27,
) -> QuizReport:
    """Report per-item statistics and KR-20 for one quiz, one attempt per learner.

    ``totals`` maps learner id to the attempt's total score; by default it is the sum of the
    learner's item scores. KR-20 uses only learners who answered every item, and only when all
    those scores are 0/1; otherwise it is None.
    """
    rows = _index(responses, {spec.item_id for spec in items})
    if totals is None:
        totals = {lid: math.fsum(r.score for r in row.values()) for lid, row in rows.items()}
    stats = [_item_stats(spec, rows, totals, min_attempts, fraction) for spec in items]
    if len(rows) < max(1, min_attempts):
        return QuizReport(len(rows), None, 0, stats, note=NOT_ENOUGH)
    ids = [spec.item_id for spec in items]
    matrix = [[row[i].score for i in ids] for row in rows.values() if all(i in row for i in ids)]
    dichotomous = all(v in (0, 1) for row in matrix for v in row)
    reliability = kr20(matrix) if matrix and dichotomous else None
    return QuizReport(len(rows), reliability, len(matrix), stats)
