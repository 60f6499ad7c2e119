"""Figures in text: counts, money, percentages, dates, financial years and references.

One job: find every figure in a piece of text and give it a canonical form, so that
"£25,627,200" in an answer matches "£25,627,200" on a page, "31/3/2019" matches
"31st March 2019", "2014-15" matches "2014/15", and "£4.25m" matches "£4,250,000".

>>> [f.key for f in extract_figures("At 31/3/2019 it was 585 (12%), costing £4.25m in 2019/20.")]
['date:2019-03-31', 'number:585', 'percent:12', 'money:4250000', 'fy:2019']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

FigureKind = Literal["money", "percent", "date", "month", "fy", "number", "ref"]

MONTHS: dict[str, int] = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}

# Counts written as words ("Six recommendations"); "one" is left out: it is mostly not a count.
_WORDS: dict[str, int] = {
    w: n
    for n, w in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split(),
        start=2,
    )
}

# Order matters: earlier patterns claim their span first.
_PATTERNS: list[tuple[FigureKind, re.Pattern[str]]] = [
    (
        "money",
        re.compile(
            rf"£\s?(?P<num>{_NUM})(?:\s?(?P<scale>thousand|million|billion|bn|mn|m|k)\b)?",
            re.I,
        ),
    ),
    ("percent", re.compile(rf"(?P<num>{_NUM})\s?(?:%|per\s?cent\b|percent\b)", re.I)),
    (
        "date",
        re.compile(
            r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)(?!\d)(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?"
        ),
    ),
    (
        "date",
        re.compile(
            rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\s*,?\s*(?P<year>(?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            rf"\b(?P<month>{_MONTH})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<mnum>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)\b"),
    ),
    ("month", re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
    (
        "fy",
        re.compile(r"\b(?P<y1>(?:19|20)\d\d)\s?[-/–]\s?(?P<y2>(?:19|20)?\d\d)\b"),
    ),
    # "18/19", "19/20": a financial year in short (the second year follows the first).
    ("fy", re.compile(r"(?<![\w./£])(?P<sy1>[1-3]\d)/(?P<sy2>[1-3]\d)(?![\w/%])")),
    ("number", re.compile(r"(?<![\w.])(?P<num>\d+)(?:st|nd|rd|th)\b", re.I)),
    ("number", re.compile(rf"(?<![\w.])(?P<num>{_NUM})\s?(?:fte|wte)\b", re.I)),
    (
        "ref",
        re.compile(r"\b(?=[A-Za-z0-9/-]*[A-Za-z])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*\b"),
    ),
    ("number", re.compile(rf"(?<![\w.])(?P<num>{_NUM})(?:\s?(?:fte|FTE|wte|WTE))?(?![\w])")),
    ("number", re.compile(r"\b(?P<word>" + "|".join(_WORDS) + r")\b(?![-\u2013](?:year|month|week))", re.I)),
]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure found in a text: its kind, canonical value, and where it was."""

    kind: FigureKind
    value: str  # canonical: "585", "4250000", "2019-03-31", "2019" (fy start year), "G1"
    raw: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def is_year(self) -> bool:
        return self.kind == "number" and re.fullmatch(r"(19|20)\d\d", self.value) is not None


def _canon_number(text: str, scale: str | None = None) -> str:
    value = float(text.replace(",", ""))
    if scale:
        value *= _SCALE[scale.lower()]
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _fy_end(y1: int, y2_text: str) -> int | None:
    """End year of a financial/academic year range such as 2014-15 or 2014/2015."""
    y2 = int(y2_text)
    if len(y2_text) == 2:
        y2 = (y1 // 100) * 100 + y2
    return y2 if y2 == y1 + 1 else None


def extract_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, left to right, with no two overlapping."""
    taken = [False] * len(text)
    found: list[Figure] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            figure = _make(kind, match)
            if figure is None:
                continue
            for i in range(start, end):
                taken[i] = True
            found.append(figure)
    found.sort(key=lambda f: f.start)
    return found


def _make(kind: FigureKind, match: re.Match[str]) -> Figure | None:
    raw = match.group(0)
    start, end = match.span()
    groups = match.groupdict()
    if kind == "number" and groups.get("word"):
        return Figure(kind, str(_WORDS[groups["word"].lower()]), raw, start, end)
    if kind in ("money", "percent", "number"):
        value = _canon_number(groups["num"], groups.get("scale"))
        return Figure(kind, value, raw, start, end)
    if kind == "date":
        month = MONTHS[groups["month"].lower().rstrip(".")] if groups.get("month") else int(groups["mnum"])
        try:
            date = dt.date(_year(groups["year"]), month, int(groups["day"]))
        except ValueError:
            return None
        return Figure("date", date.isoformat(), raw, start, end)
    if kind == "month":
        month = MONTHS[groups["month"].lower().rstrip(".")]
        return Figure("month", f"{int(groups['year']):04d}-{month:02d}", raw, start, end)
    if kind == "fy" and groups.get("sy1"):
        if int(groups["sy2"]) != int(groups["sy1"]) + 1:
            return None  # "12/15": not a year pair
        return Figure("fy", str(2000 + int(groups["sy1"])), raw, start, end)
    if kind == "fy":
        y1 = int(groups["y1"])
        if _fy_end(y1, groups["y2"]) is None:
            return None
        return Figure("fy", str(y1), raw, start, end)
    if kind == "ref":
        return Figure("ref", raw.upper(), raw, start, end)
    return None  # pragma: no cover - every kind is handled above


def evidence_keys(text: str) -> set[str]:
    """Canonical keys a text supports, including the parts of its dates and ranges.

    "31st March 2019" supports ``date:2019-03-31`` and also ``number:2019``,
    ``number:31`` and ``month:2019-03``; "2014/15" supports ``fy:2014`` and the
    years 2014 and 2015; "£25,627,200" supports ``money:25627200`` and
    ``number:25627200``.
    """
    keys: set[str] = set()
    for fig in extract_figures(text):
        keys.add(fig.key)
        if fig.kind in ("money", "percent"):
            keys.add(f"number:{fig.value}")
        elif fig.kind == "date":
            year, month, day = fig.value.split("-")
            keys.update({f"number:{int(year)}", f"number:{int(day)}", f"month:{year}-{month}"})
        elif fig.kind == "month":
            keys.add(f"number:{int(fig.value[:4])}")
        elif fig.kind == "fy":
            y1 = int(fig.value)
            keys.update({f"number:{y1}", f"number:{y1 + 1}"})
        elif fig.kind == "ref":
            for part in re.findall(r"\d+", fig.raw):
                keys.add(f"number:{int(part)}")
        elif fig.kind == "number" and fig.is_year:
            keys.add(f"fy:{fig.value}")  # "in 2019" does not support "2019-20", see supports()
    return keys


def supports(figure: Figure, keys: set[str]) -> bool:
    """Whether evidence ``keys`` (from :func:`evidence_keys`) back ``figure``.

    Money in an answer may be backed by the same plain number in a £ table; a plain
    number by a count, percentage or money value; a percentage only by a percentage;
    a date by the same date; a financial year by the same range written any way.
    """
    if figure.kind == "money":
        return figure.key in keys or f"number:{figure.value}" in keys
    if figure.kind == "fy":
        return figure.key in keys and f"number:{int(figure.value) + 1}" in keys
    return figure.key in keys


def shift_years(text: str, delta: int) -> str:
    """Move every date, month, financial year and bare year in ``text`` by ``delta`` years."""
    out: list[str] = []
    last = 0
    for fig in extract_figures(text):
        replacement: str | None = None
        if fig.kind in ("date", "month"):
            replacement = re.sub(
                r"(?:19|20)\d\d|(?<=[/.])\d\d$",
                lambda m: _shift_year_text(m.group(0), delta),
                fig.raw,
            )
        elif fig.kind == "fy":
            replacement = re.sub(r"(?:19|20)?\d\d", lambda m: _shift_year_text(m.group(0), delta), fig.raw)
            # keep the start year four digits long: re.sub above shifts both ends
        elif fig.is_year:
            replacement = str(int(fig.value) + delta)
        if replacement is not None:
            out.append(text[last : fig.start])
            out.append(replacement)
            last = fig.end
    out.append(text[last:])
    return "".join(out)


def _shift_year_text(text: str, delta: int) -> str:
    if len(text) == 4:
        return str(int(text) + delta)
    return f"{(int(text) + delta) % 100:02d}"
