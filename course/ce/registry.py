"""The credit types a designation may use, and what each accreditor requires of its statement.

Wordings marked verbatim come from ../shared/standards/continuing-education.md; for the other
types no exact wording was found, so only the maximum is required and the provider supplies
the accreditor's statement word for word.
"""

from __future__ import annotations

from dataclasses import dataclass

AMA_CLAIM_SENTENCE = (
    "Physicians should claim only the credit commensurate with the extent of their "
    "participation in the activity."
)


@dataclass(frozen=True)
class CreditType:
    """One kind of credit: its printed name, who may earn it and the phrases its statement needs."""

    key: str
    label: str
    professions: frozenset[str] = frozenset()  # empty: no profession limit from the accreditor
    phrases: tuple[str, ...] = ()
    accredited: bool = True  # False: the certificate of participation, open to any course


CREDIT_TYPES: dict[str, CreditType] = {
    t.key: t
    for t in (
        CreditType(
            "ama_pra_1",
            "AMA PRA Category 1 Credit™",
            frozenset({"MD", "DO"}),
            ("AMA PRA Category 1 Credit", AMA_CLAIM_SENTENCE),
        ),
        CreditType("ancc", "ANCC contact hours", phrases=("contact hour",)),
        CreditType("apa", "APA CE credits"),
        CreditType("aswb_ace", "ASWB ACE CE hours"),
        CreditType("nbcc", "NBCC clock hours"),
        CreditType(
            "ipce",
            "IPCE credit",
            phrases=("Interprofessional Continuing Education (IPCE) credit",),
        ),
        CreditType("participation", "Hours of participation", accredited=False),
    )
}
CREDIT_TYPE_KEYS = tuple(CREDIT_TYPES)
PARTICIPATION = "participation"


def credit_type(key: str) -> CreditType:
    """Return the registry entry for a key (KeyError for an unknown one)."""
    return CREDIT_TYPES[key]
