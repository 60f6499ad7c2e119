"""Scoring functions for the evaluation report: pure, typed, no I/O.

Retrieval is judged at page level: a ranked passage is relevant when its file name
and page are one of the item's expected ``(source, page)`` pairs (the main one or
an ``also`` alternative). Answers are judged on their text (figures, refusals,
forbidden strings) and on their grounding (quotes verbatim on the cited page,
figures traced to a quote or tool result).

>>> recall_at_k([False, True, False], 1), recall_at_k([False, True], 2)
(0.0, 1.0)
>>> reciprocal_rank([False, False, True], 10)
0.3333333333333333
>>> contains("There were 657 children in care.", "657")
True
>>> contains("In 2018 there were ...", "8")
False
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# --- text normalisation ------------------------------------------------------------

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Lower case, typographic quotes and dashes made plain, runs of whitespace as one space."""
    return _WS.sub(" ", text.translate(_QUOTES)).strip().casefold()


def _strip_thousands(text: str) -> str:
    """``"1,234,567"`` -> ``"1234567"`` (only commas between digit groups)."""
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as a whole word or figure.

    Case, whitespace, typographic quotes and thousands separators are ignored, and a
    needle that starts or ends with a letter or digit must not run on into one, so
    ``"8"`` is not found in ``"2018"`` and ``"62"`` not in ``"620"``.
    """
    hay = _strip_thousands(normalise(haystack))
    pin = _strip_thousands(normalise(needle))
    if not pin:
        return False
    before = r"(?<![0-9a-z])" if pin[0].isalnum() else ""
    after = r"(?![0-9a-z])" if pin[-1].isalnum() else ""
    # A figure followed by ".5" is a different figure; a full stop ending a sentence is not.
    if pin[-1].isdigit():
        after += r"(?!\.\d)"
    if pin[0].isdigit():
        before += r"(?<!\d\.)"
    return re.search(before + re.escape(pin) + after, hay) is not None


def evidence_in(text: str, evidence: str) -> bool:
    """Whether a verbatim evidence snippet is in ``text`` after whitespace normalisation."""
    ev = normalise(evidence)
    return bool(ev) and ev in normalise(text)


# --- retrieval ------------------------------------------------------------------------------


def recall_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is within the first ``k``, else 0.0 (one expected page set)."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int) -> float:
    """1 / rank of the first relevant passage within the first ``k``; 0.0 when none."""
    for rank, hit in enumerate(relevant[:k], start=1):
        if hit:
            return 1.0 / rank
    return 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


# --- figures ------------------------------------------------------------------------------

# A figure: digits with optional thousands separators and decimals ("1,234.5", "46.9", "657").
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
_MARKER = re.compile(r"\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")  # citation markers: [1], [1, 2], [1-3]


def numbers_in(text: str) -> set[Decimal]:
    """The figures in ``text`` as exact decimals; citation markers like ``[2]`` are not figures."""
    out: set[Decimal] = set()
    for match in _NUMBER.finditer(_MARKER.sub(" ", text)):
        try:
            out.add(Decimal(match.group().replace(",", "")).normalize())
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
    return out


def untraced_figures(answer_text: str, sources: Iterable[str]) -> set[Decimal]:
    """Figures of the answer that appear in none of ``sources`` (quotes, tool results)."""
    wanted = numbers_in(answer_text)
    if not wanted:
        return set()
    seen: set[Decimal] = set()
    for text in sources:
        seen |= numbers_in(text)
    return wanted - seen


# --- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerVerdict:
    correct: bool
    found_ok: bool  # the answer's `found` equals the expected one
    content_ok: bool  # expected figures/strings present (always True when nothing expected)
    forbidden: tuple[str, ...]  # must_not strings that appeared
    missing: tuple[str, ...]  # answer_all strings that did not appear, or answer_any when none did


# The supporting quote of an extractive figure answer: 'The annual report says: "..." [1]'.
_SUPPORT_QUOTE = re.compile(r'\b(?:says|say):\s*"[^"]*"')


def stated_text(text: str) -> str:
    """What an answer states in its own words: its supporting quotes left out.

    "The papers give 22.2% [1]. The annual report says: "4/18 (22.2%) ... compared to
    46.15% in 2018." [1]" states 22.2%, not 46.15%: an expected figure must be stated,
    not merely present in a quote shown beside a wrong one.
    """
    return _SUPPORT_QUOTE.sub(" ", text)


def judge_answer(
    text: str,
    found: bool,
    *,
    expected_found: bool,
    answer_any: Sequence[str] = (),
    answer_all: Sequence[str] = (),
    must_not: Sequence[str] = (),
) -> AnswerVerdict:
    """Correct = ``found`` as expected, the expected content present (when found), no forbidden string."""
    found_ok = found == expected_found
    missing: list[str] = []
    stated = stated_text(text)
    if expected_found and found:
        if answer_any and not any(contains(stated, a) for a in answer_any):
            missing.append(" | ".join(answer_any))
        missing.extend(a for a in answer_all if not contains(stated, a))
    content_ok = not missing
    forbidden = tuple(m for m in must_not if contains(text, m))
    return AnswerVerdict(
        correct=found_ok and content_ok and not forbidden,
        found_ok=found_ok,
        content_ok=content_ok,
        forbidden=forbidden,
        missing=tuple(missing),
    )
