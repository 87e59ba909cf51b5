"""Which CPD record layout a practitioner asked for: Social Work England's, or NMC revalidation.

The NLU pipeline extracts no entities from typed text (only the record's buttons carry a
``cpd_variant`` entity), so a typed request is read here. Words only a nurse, midwife or nursing
associate revalidating would use pick the NMC layout; Social Work England is the default, and a
layout chosen earlier in the conversation is kept when the request names neither.
"""

from __future__ import annotations

import re

from bot.cpd.service import VARIANTS, Variant

#: Typed words that ask for the NMC revalidation layout.
NMC_WORDS = re.compile(
    r"\b(nmc|revalidat\w*|nurs(e|es|ing)|midwi(fe|ves|fery)|reflective accounts?)\b", re.IGNORECASE
)
#: Typed words that ask for Social Work England's layout.
SWE_WORDS = re.compile(r"\b(swe|social work england|social workers?)\b", re.IGNORECASE)
DEFAULT_VARIANT: Variant = "swe"


def _known(value: object) -> Variant | None:
    for variant in VARIANTS:
        if value == variant:
            return variant
    return None


def choose_variant(*, entity: object, text: str, remembered: object) -> Variant:
    """The layout from a button's entity, else typed words, else the earlier choice, else SWE."""
    chosen = _known(entity)
    if chosen is not None:
        return chosen
    if NMC_WORDS.search(text):
        return "nmc"
    if SWE_WORDS.search(text):
        return "swe"
    return _known(remembered) or DEFAULT_VARIANT
