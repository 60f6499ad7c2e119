"""Figures stated in the papers that match catalogue metrics, with page and verbatim quote.

    >>> observations = extract(document)     # at ingest, after indexing the document
    >>> observations[0].quote in document.pages[observations[0].source_page - 1].text
    True

Pattern-based and general: no figure is listed here. Three shapes are read from each
page's text:

* **sentences** — a number bound to a metric's words: a count directly before them
  ("657 children in care at 31st March 2020", "56 children were in residential care")
  or after "the number of ... was"; a percentage, rate, £ amount or FTE that is the only
  non-comparator figure of its kind in a clause naming the metric;
* **list rows** — "2013 – 520 LAC", "2014-15 - £25,627,200" under a heading line that
  names the metric (and, for bare years, an "as at 31st March" date);
* **question and answer** — an FOI question naming a metric, answered by a bare number.

Precision over recall: a figure is dropped when its date cannot be fixed (a date in the
sentence, a period written beside it, else the document's reporting period or date),
when the sentence names another area, when it is a comparator (average, target,
statistical neighbours, last year, "from X to ..."), or when a clause is ambiguous.
The area is the document's council (``meta.council``), canonicalised. Every quote is
``page.text[start:end]`` of the sentence, row or question-and-answer holding the figure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..types import Document, KpiObservation, Page
from .areas import canonical_area, find_areas
from .catalogue import CATALOGUE, Catalogue, Metric
from .periods import DAY_MONTH, Period, calendar_spans, find_dates, find_financial_years, parse_period

_NUMBER = re.compile(
    r"(?<![\w.,/£-])(?P<pound>£\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<scale>\s?(?:m|bn|k|million|billion)\b)?(?P<fte>\s?fte\b)?(?![\w/]|[.,]\d)",
    re.IGNORECASE,
)
_PER_UNIT_AFTER = re.compile(r"\s*(?:each|per|a\s+(?:head|child|week|month|day|night)|an\s+hour)\b", re.IGNORECASE)
_SCALES = {"k": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_PERCENT_AFTER = re.compile(r"\s?(?:%|per\s?cent\b)", re.IGNORECASE)
_RATE_AFTER = re.compile(r"(?:\s+[A-Za-z]+){0,2}\s+per\s+10,?000\b", re.IGNORECASE)
_FTE_AFTER = re.compile(r"\s*(?:fte\b|full[\s-]time[\s-]equivalent)", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?:-?years?\b|yrs\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|am\b|pm\b|st\b|nd\b|rd\b|th\b|-)",
    re.IGNORECASE,
)
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\bage[ds]?|\bunder|\bover|\bsection|\bno\.?|\bpage|\bparagraph|\bpara\.?|\bappendix|\bitem|\bkey stage|\bks|"
    r"\bstage|\byear|\bgrade|\blevel|\btier|\bphase|\bclause)\s*$",
    re.IGNORECASE,
)
# Words that make the next figure a comparison, not the council's own figure.
_COMPARATOR = re.compile(
    r"\b(?:average|neighbou?rs?|national(?:ly)?|england|regional|region|target|benchmark|comparators?|"
    r"previous(?:ly)?|last\s+year[’']s|(?:on|than|from)\s+last\s+year|prior\s+year|compared|comparison|than|"
    r"from|goal|similar\s+authorities|up\s+to|"
    r"(?:increase|decrease|rise|fall|drop|reduction|growth|change)[ds]?\s+(?:of|by)\b)"
    r"|\b(?:increased|decreased|rose|risen|fell|fallen|dropped|grew|reduced|changed)\s+(?:by\s+)?$",
    re.IGNORECASE,
)
# What may follow "N children in care": a date, a linking verb, punctuation, the end.
_COUNT_TRAILER = re.compile(
    r"\s*(?:$|[.,;:)\]–-]|\((?!\s*(?:aged|under|over))|(?:at|on|as\s+at|as\s+of|was|were|is|are|has|have|had|"
    r"compared|which|representing|this)\b|in\s+(?:the\s+care\s+of|care|leicestershire|leicester|the\s+county|"
    r"the\s+city)\b)",
    re.IGNORECASE,
)
_FILLER = re.compile(r"^(?:\s+(?!of\b|than\b|and\b|or\b)[A-Za-z’']+){0,3}\s+$", re.IGNORECASE)
_LINK_BEFORE_NUMBER = re.compile(r"(?:\b(?:was|were|is|are|stood\s+at|totalled|totaled|reached|of)|[:=–-])\s*$", re.IGNORECASE)
_NUMBER_OF = re.compile(r"\b(?:number|total)\s+of\s+$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(£])")
_BULLET_LINE = re.compile(r"\s*(?:[-•·▪*]|\(?[ivx]{1,4}\)|[a-z][.)])\s")
_HEADING_LINE = re.compile(r"\s*\d+(?:\.\d+)*\.?[^\S\n]+[A-Z][^.!?]{0,80}$")
_CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while|whereas)\s+|\s+but\s+", re.IGNORECASE)
_ROW = re.compile(
    r"^[^\S\n]*(?:[-•·▪*][^\S\n]*)?(?P<period>(?:19|20)\d\d(?:[^\S\n]?[-/–][^\S\n]?(?:19|20)?\d\d)?)"
    r"[^\S\n]*[-–—:][^\S\n]*(?P<value>£?[^\S\n]?\d[\d,]*(?:\.\d+)?(?:[^\S\n]?%)?)(?P<rest>[^\n\d]*)$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: float
    unit: str  # catalogue unit, or "decimal" for an unusable bare decimal


@dataclass(frozen=True)
class _Found:
    metric: Metric
    value: float
    period: Period
    explicit: bool  # dated by the text itself, not by the document's period
    page: int
    start: int
    end: int


def _numbers(text: str, start: int = 0, end: int | None = None) -> list[_Number]:
    """Figures in ``text[start:end]`` with their unit; dates, periods and years are skipped."""
    end = len(text) if end is None else end
    not_figures = calendar_spans(text, start, end)
    found: list[_Number] = []
    for match in _NUMBER.finditer(text, start, end):
        if any(a <= match.start("num") < b for a, b in not_figures):
            continue
        raw = match.group("num").replace(",", "")
        value = float(raw)
        after = text[match.end() : min(end, match.end() + 40)]
        if match.group("pound"):
            if _PER_UNIT_AFTER.match(after):
                continue  # "£150 each", "£25 per child": a rate, not a total
            scale = (match.group("scale") or "").strip().lower()
            found.append(_Number(match.start(), match.end(), value * _SCALES.get(scale, 1), "gbp"))
        elif match.group("fte") or _FTE_AFTER.match(after):
            found.append(_Number(match.start(), match.end(), value, "fte"))
        elif match.group("scale"):
            continue
        elif _PERCENT_AFTER.match(after):
            percent_end = match.end() + _PERCENT_AFTER.match(after).end()  # type: ignore[union-attr]
            found.append(_Number(match.start(), percent_end, value, "percent"))
        elif _RATE_AFTER.match(after):
            found.append(_Number(match.start(), match.end(), value, "rate_per_10k"))
        elif "." in raw:
            found.append(_Number(match.start(), match.end(), value, "decimal"))
        elif not _NOT_A_COUNT_AFTER.match(after) and not _NOT_A_COUNT_BEFORE.search(
            text[max(start, match.start() - 20) : match.start()]
        ):
            found.append(_Number(match.start(), match.end(), value, "count"))
    return found


def _spans(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at ``pattern``; spans trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in pattern.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    trimmed = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed


def _blank_runs_per_break(lines: list[str]) -> int:
    """Blank lines that end a paragraph: 1, or 2 on pages that put a blank line after
    every wrapped line (some PDF and DOCX extractors do)."""
    runs: list[int] = []
    run = 0
    for line in lines:
        if line.strip():
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    non_blank = sum(1 for line in lines if line.strip())
    return 2 if non_blank >= 4 and runs.count(1) >= 0.5 * non_blank else 1


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a page. Paragraph breaks, lines ending in a colon, numbered
    headings and bullet lines end a block; within a block, sentences end at . ! or ?."""
    lines = text.splitlines(keepends=True)
    needed = _blank_runs_per_break(lines)
    blocks: list[tuple[int, int]] = []
    block_start = offset = blank_run = 0
    for line in lines:
        body = line.strip()
        line_end = offset + len(line)
        if not body:
            blank_run += 1
            if blank_run == needed and offset > block_start:
                blocks.append((block_start, offset))
                block_start = line_end
            elif blank_run >= needed:
                block_start = line_end
        else:
            blank_run = 0
            if _BULLET_LINE.match(line):
                blocks.append((block_start, offset))
                block_start = offset
            if body.endswith(":") or _HEADING_LINE.match(line.rstrip("\r\n")):
                blocks.append((block_start, line_end))
                block_start = line_end
        offset = line_end
    blocks.append((block_start, len(text)))
    spans: list[tuple[int, int]] = []
    for start, end in blocks:
        spans.extend(_spans(text, _SENTENCE_END, start, end))
    return spans


class _PageReader:
    """Reads one page of one document."""

    def __init__(self, page: Page, area: str, fallback: Period | None, catalogue: Catalogue) -> None:
        self.page = page
        self.text = page.text
        self.area = area
        self.fallback = fallback
        self.catalogue = catalogue

    # --- dates ------------------------------------------------------------------
    def _period_near(self, start: int, end: int, anchor: int, metric: Metric) -> tuple[Period, bool] | None:
        """The period of a figure at ``anchor`` in the sentence ``text[start:end]``."""
        dates = find_dates(self.text, start, end)
        years = find_financial_years(self.text[start:end])
        if dates:
            nearest = min(dates, key=lambda d: abs(d[0] - anchor))[2]
            return Period(None, nearest, nearest.isoformat()), True
        if len({p for _, p in years}) == 1:
            return years[0][1], True
        if years or self.fallback is None:
            return None
        if metric.as_at is not None:  # a snapshot taken at the end of the reporting period
            return Period(None, self.fallback.end, self.fallback.end.isoformat()), False
        return self.fallback, False

    @staticmethod
    def _fits(metric: Metric, period: Period) -> bool:
        return metric.as_at is None or (period.end.month, period.end.day) == metric.as_at

    # --- sentences --------------------------------------------------------------
    def sentences(self) -> Iterator[_Found]:
        for start, end in _sentences(self.text):
            sentence = self.text[start:end]
            if any(area != self.area for area in find_areas(sentence)):
                continue
            numbers = _numbers(self.text, start, end)
            units = {n.unit for n in numbers}
            if "count" in units:
                yield from self._counts(start, end, numbers)
            if units - {"count", "decimal"}:
                for clause_start, clause_end in _spans(self.text, _CLAUSE_BREAK, start, end):
                    yield from self._measures(start, end, clause_start, clause_end)

    def _counts(self, start: int, end: int, numbers: list[_Number]) -> Iterator[_Found]:
        counts = [n for n in numbers if n.unit == "count"]
        for metric in self.catalogue.metrics:
            if metric.unit != "count":
                continue
            for synonym in metric.synonym_pattern.finditer(self.text, start, end):
                number = self._bound_count(synonym, counts, numbers, start, end)
                if number is None or self._is_comparator(numbers, number, start):
                    continue
                dated = self._period_near(start, end, number.start, metric)
                if dated is None or not self._fits(metric, dated[0]):
                    continue
                yield _Found(metric, number.value, dated[0], dated[1], self.page.number, start, end)

    def _bound_count(
        self, synonym: re.Match[str], counts: list[_Number], numbers: list[_Number], start: int, end: int
    ) -> _Number | None:
        """The count bound to this mention: "N [up to 3 words] SYN <trailer>" or
        "number of SYN [date] was N"."""
        before = [n for n in counts if n.end <= synonym.start()]
        if before:
            number = before[-1]
            between = self.text[number.end : synonym.start()]
            trailer = self.text[synonym.end() : end]
            if (not between.strip() or _FILLER.match(between)) and _COUNT_TRAILER.match(" ".join(trailer.split()) or "."):
                return number
        after = [n for n in numbers if n.start >= synonym.end()]
        if after and after[0].unit == "count" and _NUMBER_OF.search(self.text[start : synonym.start()]):
            number = after[0]
            gap = self.text[synonym.end() : number.start]
            for date_start, date_end, _ in reversed(find_dates(gap)):
                gap = gap[:date_start] + " " + gap[date_end:]
            if len(gap) <= 60 and not re.search(r"\d", gap) and _LINK_BEFORE_NUMBER.search(gap):
                return number
        return None

    def _is_comparator(self, numbers: list[_Number], number: _Number, start: int) -> bool:
        earlier = [n.end for n in numbers if n.end <= number.start]
        lead_in = self.text[max(earlier[-1] if earlier else start, number.start - 60) : number.start]
        return bool(_COMPARATOR.search(lead_in))

    def _measures(self, start: int, end: int, clause_start: int, clause_end: int) -> Iterator[_Found]:
        """Percentages, rates, £ and FTE: one metric of the unit named, one figure of it."""
        clause = self.text[clause_start:clause_end]
        sentence = self.text[start:end]
        numbers = _numbers(self.text, clause_start, clause_end)
        for unit in {n.unit for n in numbers} - {"count", "decimal"}:
            named = [
                m for m in self.catalogue.metrics
                if m.unit == unit and m.synonym_pattern.search(clause) and m.mentioned_in(sentence)
            ]
            if len(named) != 1:
                continue
            metric = named[0]
            figures = [n for n in numbers if n.unit == unit]
            tagged = [(n, p) for n in figures if (p := self._tag(n, clause_start)) is not None]
            if tagged:
                for number, period in tagged:
                    if self._fits(metric, period):
                        yield _Found(metric, number.value, period, True, self.page.number, start, end)
                continue
            own = [n for n in figures if not self._is_comparator(numbers, n, clause_start)]
            if len(own) != 1:
                continue
            dated = self._period_near(start, end, own[0].start, metric)
            if dated is not None and self._fits(metric, dated[0]):
                yield _Found(metric, own[0].value, dated[0], dated[1], self.page.number, start, end)

    def _tag(self, number: _Number, floor: int) -> Period | None:
        """A period written right before a figure: "2019/20 92%", "2013-14 - £26,462,900"."""
        lead = self.text[max(floor, number.start - 14) : number.start]
        match = re.search(r"((?:19|20)\d\d\s?[-/–]\s?(?:19|20)?\d\d)\s*[-–:]?\s*$", lead)
        return parse_period(match.group(1)) if match else None

    # --- list rows --------------------------------------------------------------
    def rows(self) -> Iterator[_Found]:
        for row in _ROW.finditer(self.text):
            header = self._header_above(row.start())
            rest = row.group("rest")
            value_text = row.group("value")
            numbers = _numbers(value_text + rest)
            if len(numbers) != 1:
                continue
            number = numbers[0]
            candidates = [m for m in self.catalogue.metrics if m.unit == number.unit]
            metric = next((m for m in candidates if m.mentioned_in(rest)), None)
            if metric is None:
                metric = next((m for m in candidates if header and m.mentioned_in(header)), None)
            if metric is None or any(area != self.area for area in find_areas(header + rest)):
                continue
            period = self._row_period(row.group("period"), header)
            if period is not None and self._fits(metric, period):
                yield _Found(metric, number.value, period, True, self.page.number, row.start("period"), row.end())

    def _header_above(self, offset: int) -> str:
        """The two nearest non-empty lines above a block of rows."""
        lines = [line for line in self.text[:offset].splitlines() if line.strip()]
        while lines and _ROW.match(lines[-1]):
            lines.pop()
        return "\n".join(lines[-2:])

    @staticmethod
    def _row_period(label: str, header: str) -> Period | None:
        period = parse_period(label)
        if period is None or len(label.strip()) > 4:
            return period  # a financial year stands on its own
        as_at = DAY_MONTH.search(header)
        if as_at is None:
            return None  # a bare year without a day and month is not an as-at date
        return parse_period(f"{as_at.group('day')} {as_at.group('month')} {label}")

    # --- questions and answers --------------------------------------------------
    def answers(self) -> Iterator[_Found]:
        for match in re.finditer(r"(?m)^(?P<q>[^\n]*\?)[ \t]*\n(?:[ \t]*\n)*[ \t]*(?P<a>[^\n]+?)[ \t]*$", self.text):
            question_start = self._question_start(match.start("q"))
            question = self.text[question_start : match.end("q")]
            numbers = _numbers(match.group("a"))
            if len(numbers) != 1 or numbers[0].end - numbers[0].start != len(match.group("a").strip()):
                continue
            number = numbers[0]
            named = [m for m in self.catalogue.metrics if m.unit == number.unit and m.mentioned_in(question)]
            if len(named) != 1 or any(area != self.area for area in find_areas(question)):
                continue
            metric = named[0]
            dated = self._period_near(question_start, match.end("q"), match.end("q"), metric)
            if dated is not None and self._fits(metric, dated[0]):
                yield _Found(metric, number.value, dated[0], dated[1], self.page.number, question_start, match.end("a"))

    def _question_start(self, line_start: int) -> int:
        """Start of a question that wraps over several lines (back to a numbered item)."""
        start = line_start
        for _ in range(4):
            if re.match(r"[ \t]*(?:\d+|[a-z])[.)]\s", self.text[start:]) or start == 0:
                return start
            previous = self.text.rfind("\n", 0, start - 1) + 1
            if not self.text[previous : start - 1].strip() or self.text[start - 2] in ".?:":
                return start
            start = previous
        return line_start


def _fallback_period(document: Document) -> Period | None:
    """The document's own reporting period, else its date: for figures with no date nearby."""
    period = parse_period(document.meta.period) if document.meta.period else None
    if period is not None:
        return period
    if document.meta.date is not None:
        return Period(None, document.meta.date, document.meta.date.isoformat())
    return None


def extract(
    document: Document, catalogue: Catalogue = CATALOGUE, *, loaded_at: dt.datetime | None = None
) -> list[KpiObservation]:
    """Published observations for ``document``: one per metric, area and period."""
    area = canonical_area(document.meta.council)
    if area is None:
        return []
    fallback = _fallback_period(document)
    chosen: dict[tuple[str, dt.date | None, dt.date], _Found] = {}
    for page in document.pages:
        reader = _PageReader(page, area, fallback, catalogue)
        for found in (*reader.rows(), *reader.answers(), *reader.sentences()):
            key = (found.metric.name, found.period.start, found.period.end)
            kept = chosen.get(key)
            if kept is None or (found.explicit and not kept.explicit):
                chosen[key] = found
    stamp = loaded_at or dt.datetime.now(dt.timezone.utc)
    return [
        KpiObservation(
            metric=f.metric.name,
            area=area,
            period_start=f.period.start,
            period_end=f.period.end,
            value=f.value,
            unit=f.metric.unit,
            source=document.source,
            source_page=f.page,
            quote=document.pages[_page_index(document, f.page)].text[f.start : f.end],
            doc_id=document.doc_id,
            kind="published",
            loaded_at=stamp,
        )
        for f in sorted(chosen.values(), key=lambda f: (f.page, f.start))
    ]


def _page_index(document: Document, number: int) -> int:
    return next(i for i, p in enumerate(document.pages) if p.number == number)
