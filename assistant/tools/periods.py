"""Dates and reporting periods as councils write them.

    >>> parse_period("31st March 2020")
    Period(start=None, end=datetime.date(2020, 3, 31), label='2020-03-31')
    >>> parse_period("2019/20")          # financial year
    Period(start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31), label='2019-20')
    >>> parse_period("2015")             # calendar year
    Period(start=datetime.date(2015, 1, 1), end=datetime.date(2015, 12, 31), label='2015')

A ``Period`` with no ``start`` is a point in time (an "as at" date). An observation
falls in a period when its ``period_end`` lies between ``start`` and ``end``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# "31 March 2020", "31st March 2020", "31st March, 2020"
DAY_MONTH_YEAR = re.compile(
    r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE
)
# "31 March" / "31st March" with no year (a table heading: "as at 31st March")
DAY_MONTH = re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH + r"(?!\s*,?\s*(?:19|20)\d\d)", re.IGNORECASE)
# "31/3/20", "31/03/2020"
NUMERIC_DATE = re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)?\d\d)\b")
ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
# "2019-20", "2019/20", "2019/2020", "2019 – 20", "FY2019-20"
FINANCIAL_YEAR = re.compile(
    r"(?<![\d/-])(?:FY\s?)?(?P<first>(?:19|20)\d\d)\s?[-/–]\s?(?P<second>(?:19|20)?\d\d)(?![\d/-])"
)
YEAR = re.compile(r"(?<![\d£.,/-])(?P<year>(?:19|20)\d\d)(?![\d%/-]|,\d)")
MONTH_YEAR = re.compile(_MONTH + r"\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A reporting period (start and end) or a point in time (end only)."""

    start: dt.date | None
    end: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        if self.start is None:
            return day == self.end
        return self.start <= day <= self.end


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(first: int, second: str) -> int | None:
    """The second year of "2019-20" / "2019/2020", or None when it does not follow on."""
    year = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
    return year if year == first + 1 else None


def financial_year(first: int) -> Period:
    """UK local-government year: 1 April ``first`` to 31 March the next year."""
    return Period(dt.date(first, 4, 1), dt.date(first + 1, 3, 31), f"{first}-{(first + 1) % 100:02d}")


def date_at(match: re.Match[str]) -> dt.date | None:
    """The date of a DAY_MONTH_YEAR, NUMERIC_DATE or ISO_DATE match."""
    year = match.group("year")
    month = match.group("month")
    month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    full_year = int(year) if len(year) == 4 else 2000 + int(year)
    return _date(full_year, month_number, int(match.group("day")))


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, dt.date]]:
    """Every full date in ``text[start:end]`` as (start, end, date), in order."""
    end = len(text) if end is None else end
    found: list[tuple[int, int, dt.date]] = []
    for pattern in (DAY_MONTH_YEAR, NUMERIC_DATE, ISO_DATE):
        for match in pattern.finditer(text, start, end):
            day = date_at(match)
            if day is not None:
                found.append((match.start(), match.end(), day))
    return sorted(found)


def calendar_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` that are dates, financial years or years, not figures."""
    end = len(text) if end is None else end
    spans = [(a, b) for a, b, _ in find_dates(text, start, end)]
    spans += [m.span() for m in FINANCIAL_YEAR.finditer(text, start, end)]
    spans += [m.span() for m in YEAR.finditer(text, start, end)]
    return spans


def find_financial_years(text: str) -> list[tuple[re.Match[str], Period]]:
    """Every "2019-20" style period in ``text`` with its match."""
    found = []
    for match in FINANCIAL_YEAR.finditer(text):
        first = int(match.group("first"))
        if _full_year(first, match.group("second")) is not None:
            found.append((match, financial_year(first)))
    return found


def parse_date(text: str) -> dt.date | None:
    """A single date written as ISO, "31/03/2020" or "31 March 2020" (whole string)."""
    value = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d(?:[ T]00:00(?::00)?)?", value):
        value = value[:10]
        return _date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    for pattern in (NUMERIC_DATE, DAY_MONTH_YEAR):
        match = pattern.fullmatch(value)
        if match:
            return date_at(match)
    return None


def parse_period(text: str) -> Period | None:
    """A period named in a question or tool argument; None when ``text`` names none.

    Accepts a date ("31 March 2020", "2020-03-31"), a financial year ("2019-20",
    "2019/2020"), a month ("March 2020", end of month) or a calendar year ("2015").
    """
    value = (text or "").strip()
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        dates = find_dates(value)
        day = dates[0][2] if dates else None
    if day is not None:
        return Period(None, day, day.isoformat())
    years = find_financial_years(value)
    if years:
        return years[0][1]
    month = MONTH_YEAR.search(value)
    if month:
        year, number = int(month.group("year")), MONTHS[month.group("month").lower().rstrip(".")]
        last = calendar.monthrange(year, number)[1]
        return Period(dt.date(year, number, 1), dt.date(year, number, last), f"{year}-{number:02d}")
    year_match = YEAR.search(value)
    if year_match:
        year = int(year_match.group("year"))
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    return None

