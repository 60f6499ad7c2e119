"""The extractive composer: answer from the papers' own sentences, offline and fast.

One job: given a parsed question and search hits, pick the sentences or table rows
that answer it and write a short answer around them, each cited [n].

Scoring, per unit (sentence, list item or table row) of the top hits:

* **terms**: how many of the question's terms (council synonyms folded, so LAC =
  looked after children = CLA = children in care) the unit holds; words of the unit's
  lead-in (the FOI question above an answer, the header above a table row) count for
  a little less;
* **answer type**: a count, £ amount or percentage for figure questions, a date for
  "when", a name for "who";
* **entities** (hard filters): the council the question names must be the unit's or
  its document's (never Leicestershire's figure for Leicester City), and the as-at
  date, financial year or year it names must be in the unit or its lead-in.

Where two papers give different values for the same thing, both are shown, each
cited. Where nothing passes, the answer is a refusal with the reasons, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..types import Citation, Hit, Page
from .figures import Figure, extract_figures
from .lexicon import COUNCILS, council_id, councils_named, terms
from .prose import restate, says
from .question import QuestionFrame
from .sentences import Unit, split_units

# Calibrated on the sample corpus (tests/answer/test_extractive.py): below these a
# unit does not answer the question.
FIGURE_THRESHOLD = 0.65
TEXT_THRESHOLD = 0.67
TYPED_THRESHOLD = 0.56  # grade and how-often questions: the unit must also hold a grade or a frequency
TYPED_DIFFER_RATIO = 0.6
_TYPED = frozenset({"date", "person", "judgement", "frequency"})
_TYPE_CHECKED = _TYPED | {"name"}  # answers that must hold their kind of value (a date, a name ...)
DISAGREE_RATIO = 0.8
MAX_SUPPORT = 2  # extra sentences for non-figure answers

_CONCEPT_WEIGHT = 1.5
_GENERIC = {"number": 0.3, "children": 0.6, "care": 0.6, "child": 0.6}
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z']+){1,2}\b")
_REFERENCE = re.compile(
    r"\b(?:section|s\.|paragraph|para|item|page|appendix|annex|schedule|regulation|article|key\s+stage|year|"
    r"phase|tier|level|stage|part|chapter|table|figure|question|no\.|aged?)\s*$",
    re.I,
)
_DURATION = re.compile(r"\s*(?:months?|years?|weeks?|days?|hours?|minutes?|yrs?)\b", re.I)
_NOT_NAMES = frozenset(
    """Team Teams School Schools Service Services Council County City Children Child Family Families
    Care Virtual Head Support Social Work Local Authority Committee Director Board Health Young
    People Education Plan Leicester Leicestershire Rutland Act Information Freedom Government
    Office Department Panel Group Report Annual Agency Fostering Adoption Youth Contact The Of And
    In For Centre Centres Partnership Trust University Hospitals Commissioning Placement Residential
    Homes Special Educational Needs Sports Leisure Careers Advice Abroad Offending Psychology Welfare
    Policy Strategy Statutory Guidance Executive Summary Independent Reviewing Officer Officers
    Lead Member Members Powerpoint Presentation New Developments Inspection Inspections Ofsted Item
    Appendix Overview Scrutiny Cabinet Corporate Resources Pages Teacher Teachers Designated
    Secondary Inclusion Partnerships""".split()
)


class DocStore(Protocol):
    """The part of the retrieval docstore the composer reads."""

    def get_page(self, doc_id: str, n: int) -> Page | None: ...

    def get_document(self, doc_id: str) -> Any: ...


@dataclass
class Candidate:
    """A unit of a hit that may answer the question, with its score and figure."""

    hit: Hit
    page_text: str
    unit: Unit
    quote_start: int
    quote_end: int
    score: float
    overlap: float
    figure: Figure | None
    council: str | None
    scale: str = ""  # a table's stated unit for its money cells ("£ thousands"), when the cell has none

    @property
    def quote(self) -> str:
        return self.page_text[self.quote_start : self.quote_end]


@dataclass
class Rejection:
    """Why a relevant-looking unit was not used (wrong council, wrong period)."""

    reason: str
    council: str | None = None


@dataclass
class Draft:
    """An extractive answer before grounding: prose with [n] markers and citations."""

    text: str
    found: bool
    citations: list[Citation]
    candidates: list[Candidate] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # A single-figure answer, kept in parts so tool results can join its lead sentence:
    # text == f"{statement} {markers}. {support}"
    figure: Figure | None = None
    statement: str = ""
    support: str = ""
    date: Any = None  # the cited paper's date

    def with_lead_markers(self, extra: Sequence[int]) -> str:
        """The text with ``extra`` citation markers added to the lead sentence."""
        if self.figure is None or not self.statement:
            return self.text
        markers = "[1]" + "".join(f"[{n}]" for n in extra)
        return lead_sentence_text(self.statement, markers, self.support)


def lead_sentence_text(statement: str, markers: str, support: str) -> str:
    return f"{statement} {markers}. {support}".strip()


def citation_for(n: int, candidate: Candidate) -> Citation:
    """A passage citation of a candidate's quote (a verbatim slice of its page)."""
    hit = candidate.hit
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        title=hit.title,
        source=hit.source,
        page=hit.page,
        quote=candidate.quote,
        date=hit.date,
        doc_type=hit.doc_type,
        start=candidate.quote_start,
        kind="passage",
    )


def clean(text: str) -> str:
    """Collapse layout whitespace for display (quotes themselves stay verbatim)."""
    return re.sub(r"\s+", " ", text).strip()


class ExtractiveComposer:
    """Pick answering units from hits and write a cited answer.

    >>> composer = ExtractiveComposer(index.docstore)
    >>> draft = composer.compose(parse_question("What was the LAC budget in 2014-15?"), hits)
    >>> draft.found, draft.text
    (True, '£25,627,200 — "2014-15 - £25,627,200" [1]')
    """

    def __init__(self, docstore: DocStore) -> None:
        self.docstore = docstore
        self._councils: dict[str, str | None] = {}
        self.trace: list[tuple[str, str]] | None = None  # (reason, unit text) of dropped units, when set

    def _drop(self, reason: str, unit: Unit) -> None:
        """Record why a unit was dropped (for ``assistant ask --explain`` and tuning); None."""
        if self.trace is not None:
            self.trace.append((reason, unit.text))
        return None

    # --- candidates -------------------------------------------------------------
    def candidates(
        self, frame: QuestionFrame, hits: Sequence[Hit]
    ) -> tuple[list[Candidate], list[Rejection]]:
        """Every unit of ``hits`` that passes the entity filters, best first."""
        found: list[Candidate] = []
        rejections: list[Rejection] = []
        seen: set[tuple[str, int | None, int]] = set()
        for rank, hit in enumerate(hits):
            page_text = self._page_text(hit)
            if page_text is None:
                continue
            lo, hi = self._span(hit, page_text)
            if self._other_council(frame, hit, page_text[lo:hi], rejections):
                continue
            units = split_units(page_text, lo, hi)
            if frame.wants_figure and (hit.kind == "table" or any(_rows_inside(u) for u in units)):
                units = _table_lines(units)
            for i, unit in enumerate(units):
                key = (hit.doc_id, hit.page, unit.start)
                if key in seen:
                    continue
                seen.add(key)
                candidate = self._score(frame, hit, page_text, units, i, rank, len(hits), rejections)
                if candidate is not None:
                    found.append(candidate)
        found.sort(key=lambda c: c.score, reverse=True)
        return found, rejections

    def _other_council(self, frame: QuestionFrame, hit: Hit, text: str, rejections: list[Rejection]) -> bool:
        """Whether a whole hit belongs to another council than the one asked about.

        Every unit of it would be dropped by the council check in :meth:`_score` (its
        paper is another council's and it names none of the asked ones), so it is passed
        over at once: with many councils' papers in one index, most hits of a council's
        question are other councils' copies of the same kind of report. Its rejection is
        kept, as :meth:`_score` would keep it, when it is about the question.
        """
        if not frame.councils or _PARTNERS.search(frame.text):
            return False
        council = self.document_council(hit)  # None (unknown) is not an asked council either
        if council in frame.councils or councils_named(text) & frame.councils:
            return False
        heading = terms(" ".join(filter(None, [hit.section or "", hit.context])))
        if covers(frame, terms(text) | heading, terms(hit.title or "")):
            rejections.append(Rejection("council", council))
        return True

    def _page_text(self, hit: Hit) -> str | None:
        if hit.page is not None:
            page = self.docstore.get_page(hit.doc_id, hit.page)
            if page is not None:
                return page.text
        return None

    @staticmethod
    def _span(hit: Hit, page_text: str) -> tuple[int, int]:
        if hit.start is not None and hit.end is not None and page_text[hit.start : hit.end] == hit.text:
            return hit.start, hit.end
        at = page_text.find(hit.text)
        if at >= 0:
            return at, at + len(hit.text)
        return 0, len(page_text)

    def document_council(self, hit: Hit) -> str | None:
        """The council of a hit's document: its metadata, else what its text names most."""
        if hit.doc_id in self._councils:
            return self._councils[hit.doc_id]
        council = council_id(hit.council)
        if council is None:
            doc = self.docstore.get_document(hit.doc_id)
            if doc is not None:
                council = council_id(getattr(doc.meta, "council", None))
                if council is None:
                    text = " ".join(p.text for p in doc.pages[:40])
                    counts = {
                        cid: len(re.findall(name, text, re.I))
                        for cid, name in (
                            ("leicester_city", r"leicester\s+city"),
                            ("leicestershire", r"leicestershire"),
                        )
                    }
                    (top, n_top), (_, n_other) = sorted(counts.items(), key=lambda kv: -kv[1])
                    council = top if n_top >= 2 and n_top >= 2 * n_other else None
        self._councils[hit.doc_id] = council
        return council

    def _score(
        self,
        frame: QuestionFrame,
        hit: Hit,
        page_text: str,
        units: list[Unit],
        i: int,
        rank: int,
        n_hits: int,
        rejections: list[Rejection],
    ) -> Candidate | None:
        unit = units[i]
        lead = _lead_in(units, i)
        own = terms(unit.text)
        lead_terms = terms(" ".join(u.text for u in lead)) if lead else frozenset()
        around = terms(" ".join(filter(None, [hit.title, hit.section or "", hit.context])))
        strong_lead = bool(lead) and (
            unit.row
            or (len(unit.text) < 80 and not unit.text.rstrip().endswith("."))
            or lead[-1].text.rstrip().endswith(("?", ":", ")"))
            or bool(_ANAPHORA.match(unit.text))  # "Of these, 28% ...": the sentence before says of what
        )

        # Coverage: the question's key subject terms must be in the unit, its lead-in or
        # its section heading (not just the document title), or the unit answers
        # something else ("a nearby number", "a sentence about the same topic").
        heading = terms(" ".join(filter(None, [hit.section or "", hit.context]))) | _population(hit.title)
        wider = terms(page_text) | terms(hit.title or "")
        if not covers(frame, own | lead_terms | heading, wider):
            return self._drop(f"coverage {sorted(key_terms(frame) - own - lead_terms - heading)}", unit)
        excluded = _excluded(frame.text)
        if excluded and frame.wants_figure and excluded <= terms(unit.text):
            return self._drop("excluded", unit)  # "not counting care leavers": a figure that includes them
        cohort = _cohorts(frame.text)
        if cohort and not cohort <= _cohorts(" ".join([unit.text, *(u.text for u in lead), hit.section or "", hit.context or ""])):
            return self._drop("cohort", unit)  # "Year 10" asked: a figure for all pupils is not theirs
        if frame.wants_figure:
            measure = measure_terms(frame)
            near_measure = own | (lead_terms if strong_lead else frozenset())
            if hit.kind == "table" and "\n" not in unit.text:
                near_measure |= terms(_header_block(hit.context or ""))  # column headers
            if measure and len(measure & near_measure) / len(measure) < 0.5:
                return self._drop("measure", unit)  # the unit's figure is of another measure
            if (frame.terms & _KIND_QUALIFIERS) - near_measure - heading:
                return self._drop("qualifier", unit)  # "independent fostering agency" asked: all foster placements is not it
            if unit.row and named_terms(frame) - _holder_terms(frame) - near_measure:
                return self._drop("row-item", unit)  # a row of another line item ("net budget" total, not "Children in Care")
            if unit.text.rstrip().endswith(":") and not unit.row and key_terms(frame) - own:
                return self._drop("breakdown-total", unit)  # a total introducing a breakdown ("... totals £90.9m, as follows:")
        elif (len(own - frame.terms) <= 1 and not _type_match(frame, unit.text, strict=True)) or _REQUEST.search(unit.text):
            return self._drop("restates-question", unit)  # it restates the question, or is the request itself, not an answer
        overlap = _overlap(subject_terms(frame), own, lead_terms, around, strong_lead)
        extra = len(own - frame.terms - {"number"})
        if _type_match(frame, unit.text, strict=True):
            extra = max(0, extra - 2)  # the answer's own words ("requires improvement") are not noise
        overlap = max(0.0, overlap - min(0.15, 0.03 * extra))
        # A named entity only on the page, not by the unit ("Attainment 8" asked, an
        # "Average point score" row found), costs; the measure's own number present helps.
        overlap -= 0.04 * len(named_terms(frame) - own - lead_terms - heading - _holder_terms(frame))
        overlap += min(0.15, 0.1 * len(_question_numbers(frame) & {f.key for f in extract_figures(unit.text)}))
        if _ORGANISATION_ASKED.search(frame.text) and _PROVIDED_BY.search(unit.text):
            overlap += 0.15  # "Who runs MISTLE?": "... was commissioned from Family Action" says who
        if overlap < 0.3:
            return self._drop("overlap", unit)

        # Council: the unit's own mention, else its document's.
        unit_councils = councils_named(unit.text + " " + " ".join(u.text for u in lead))
        council = next(iter(unit_councils)) if len(unit_councils) == 1 else self.document_council(hit)
        partners = bool(_PARTNERS.search(frame.text))
        if partners:
            # "Which other councils is Leicestershire working with ...": the answer names
            # other councils, in the asking council's own papers.
            council = self.document_council(hit)
            if frame.councils and council not in frame.councils:
                rejections.append(Rejection("council", council))
                return self._drop("council-doc", unit)
            if not _NAMES_COUNCIL.search(unit.text):
                return self._drop("type", unit)
        elif frame.councils:
            if unit_councils and (unit_councils - frame.councils or not unit_councils & frame.councils):
                rejections.append(Rejection("council", council))
                return self._drop("council-unit", unit)
            if not unit_councils and council not in frame.councils:
                rejections.append(Rejection("council", council))
                return self._drop("council-doc", unit)

        # A national or comparator figure ("13% of councils in England", "statistical
        # neighbours") is not the council's own, unless the question asks for one.
        if _COMPARATOR.search(unit.text) and not _COMPARATOR.search(frame.text):
            rejections.append(Rejection("comparator", council))
            return self._drop("comparator", unit)

        # A table row read as a grid: the header (in the hit's context) names the
        # columns, the question's period or measure words pick one; ambiguous: no answer.
        gridded = frame.wants_figure and (hit.kind == "table" or unit.row)
        above = self._text_above(hit, page_text, unit) if gridded else ""
        grid = _grid_cell(frame, hit, unit, above) if gridded else None
        if grid is not None:
            figure, period_ok = grid
            if figure is None:
                return self._drop("grid-ambiguous", unit)
            if frame.has_period and not period_ok:
                rejections.append(Rejection("period", council))
                return self._drop("grid-period", unit)
            score = 0.6 * overlap + 0.15 + 0.15 + 0.1 * (1.0 - rank / max(1, n_hits))
            scale = money_scale(f"{hit.context or ''}\n{above}", unit.text)
            return Candidate(hit, page_text, unit, unit.start, unit.end, score, overlap, figure, council, scale)

        # Period: the date/year named must be in the unit or a strong lead-in.
        figures = extract_figures(unit.text)
        period_text = unit.text + (" " + " ".join(u.text for u in lead) if strong_lead else "")
        period_ok, period_spans = _period_match(frame, unit.text, period_text)
        period_credit = 1.0
        if frame.has_period and not period_ok:
            # A unit that names no period of its own takes the one its paragraph, section
            # or paper is about ("... on 31 March 2020 was 657. This equates to 46.9 per
            # 10,000"; "there are currently 283" in a January 2020 report), for less credit.
            period_credit = self._inherited_period(frame, hit, units, i, page_text)
            if not period_credit:
                rejections.append(Rejection("period", council))
                return self._drop("period", unit)
            period_ok = True

        asked = unit.text.rstrip().endswith("?") or (  # an FOI request line, not its answer
            (hit.doc_type or "").startswith("foi") and bool(_LETTERED.match(unit.text))
        )
        answers_question = bool(lead) and lead[-1].text.rstrip().endswith("?")
        if asked and frame.answer_type in ("text", "name") and (hit.doc_type or "").startswith("foi"):
            # An FOI request that asks what the question asks: the council's reply is the answer.
            reply = _reply(page_text, unit)
            if reply is not None:
                score = 0.6 * overlap + 0.15 + 0.15 * period_credit + 0.1 * (1.0 - rank / max(1, n_hits))
                return Candidate(hit, page_text, reply, reply.start, reply.end, score, overlap, None, council)
        if not frame.wants_figure and (
            asked
            or (
                not frame.wants_figure
                and frame.answer_type != "person"
                and _heading_like(unit)
                and not answers_question
                and not (frame.answer_type in _TYPED and ":" in unit.text and _typed_values(frame, unit.text))  # "Inspection dates: 23 ..."
            )
        ):
            return self._drop("question-or-heading", unit)  # a question or a heading is not an answer
        bare_row = strong_lead and _row_like(unit)
        figure = None if asked else _answer_figure(frame, unit, figures, period_spans, bare_row)
        type_ok = figure is not None or _type_match(frame, unit.text)
        if frame.wants_figure and figure is None:
            return self._drop("no-figure", unit)
        if figure is not None and frame.has_period and _CELLS_ONLY.match(unit.text):
            # "98 96" under a "2019 2020" header: which cell is the asked period's is not
            # known here, and the first is not it for every period.
            return self._drop("cells-period", unit)
        if frame.answer_type in _TYPE_CHECKED and not type_ok:
            return self._drop("type", unit)

        score = 0.6 * overlap + 0.15 * float(type_ok) + 0.15 * period_credit
        score += 0.1 * (1.0 - rank / max(1, n_hits))
        quote_start = lead[0].start if strong_lead and lead else unit.start
        if quote_start != unit.start and _heading_only(lead[-1], unit, frame):
            quote_start = unit.start  # "The key messages are:" adds nothing to a whole sentence
        return Candidate(hit, page_text, unit, quote_start, unit.end, score, overlap, figure, council)

    def _text_above(self, hit: Hit, page_text: str, unit: Unit) -> str:
        """The page text above a unit, after the previous page's (a table's header may be there)."""
        above = page_text[: unit.start]
        if hit.page is not None and hit.page > 1:
            previous = self.docstore.get_page(hit.doc_id, hit.page - 1)
            if previous is not None:
                above = previous.text + "\n" + above
        return above

    def _inherited_period(self, frame: QuestionFrame, hit: Hit, units: list[Unit], i: int, page_text: str) -> float:
        """Credit (0 = none) for the question's period taken from a unit's surroundings.

        Only a unit naming no period itself inherits one: from the units just before it
        on the page or its section heading (0.6); a bare year ("the 2019 inspection")
        also from anywhere on its page (0.4); else from its paper's own period or date,
        e.g. "currently" in a paper dated January 2020 for "January 2020" (0.3).
        """
        exact, years = _periods(units[i].text)
        if exact or years:
            return 0.0  # it names its own period, which is not the one asked
        doc = self.docstore.get_document(hit.doc_id)
        meta = getattr(doc, "meta", None)
        if frame.fys and not (frame.dates or frame.months or frame.years) and meta is not None:
            if frame.fys <= _paper_fys(meta):
                return 0.3  # "28 adopters approved" in the annual report for 2019-20
        if frame.wants_figure and not (_PRESENT.search(units[i].text) or _ANAPHORA.match(units[i].text)):
            return 0.0  # a figure takes a period only as "currently ..." or "Of these ..." (its sentence before)
        nearby = " ".join([*(u.text for u in units[max(0, i - _INHERIT_UNITS) : i]), hit.section or "", hit.context])
        if _period_match(frame, "", nearby)[0]:
            return 0.6
        if frame.wants_figure and not _PRESENT.search(units[i].text):
            return 0.0  # a figure far from any date: only "currently ..." takes its page's or paper's
        if frame.years and not (frame.dates or frame.months or frame.fys) and _period_match(frame, "", page_text)[0]:
            return 0.4
        if meta is not None and _paper_period_matches(frame, meta):
            return 0.3
        return 0.0

    # --- composing ----------------------------------------------------------------
    def compose(self, frame: QuestionFrame, hits: Sequence[Hit]) -> Draft:
        """The extractive answer to ``frame`` from ``hits`` (a refusal when none fits)."""
        if frame.foreign:
            return Draft(refusal_text(frame, []), False, [], [], [])
        if _period_count(frame) >= 2:
            parts = self._per_period(frame, hits)
            if parts is not None:
                return parts
        candidates, rejections = self.candidates(frame, hits)
        threshold = (
            FIGURE_THRESHOLD
            if frame.wants_figure
            else TYPED_THRESHOLD
            if frame.answer_type in ("judgement", "frequency")
            else TEXT_THRESHOLD
        )
        passing = [c for c in candidates if c.score >= threshold]
        if not passing:
            return Draft(refusal_text(frame, rejections), False, [], candidates, rejections)
        best = passing[0]
        if frame.wants_figure:
            return self._figure_answer(frame, best, passing, rejections)
        chosen = [best]
        # Supporting sentences must be about the same thing: every question term the best
        # one answers with, names aside ("permanence planning", not just "plan" and "Ofsted").
        core = (terms(best.unit.text) & key_terms(frame)) - named_terms(frame)
        for c in passing[1:]:
            if len(chosen) > MAX_SUPPORT:
                break
            on_topic = len(core - terms(c.unit.text)) <= (0 if len(core) <= 3 else 1)
            sentence = bool(re.search(r"[.!?)\]]\s*$", c.unit.text)) and _display(c) not in {_display(x) for x in chosen}
            ratio = DISAGREE_RATIO
            if frame.answer_type in _TYPED:
                # A date, name or grade is answered once; another only where a paper gives a
                # different, more precise one ("23 September 2019 to 4 October 2019").
                mine, theirs = _typed_values(frame, best.unit.text), _typed_values(frame, c.unit.text)
                sentence = sentence and bool(mine) and bool(theirs - mine)
                if frame.answer_type == "date":  # the same event dated differently: the same year
                    sentence = sentence and bool({v.split(":")[1][:4] for v in mine} & {v.split(":")[1][:4] for v in theirs})
                on_topic, ratio = c.overlap >= 0.5, TYPED_DIFFER_RATIO
            if c.score >= ratio * best.score and on_topic and sentence and not _overlaps(c, chosen):
                chosen.append(c)
        citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
        lines = [f"{_display(c)} [{n}]" for n, c in enumerate(chosen, start=1)]
        return Draft(" ".join(lines), True, citations, passing, rejections)

    def _per_period(self, frame: QuestionFrame, hits: Sequence[Hit]) -> Draft | None:
        """A question over several periods ("between 2017-18 and 2018-19"), one figure each.

        Each period is answered on its own (same council, same terms); the answer gives
        every figure found with its period and says which periods the papers do not cover.
        """
        labels = _period_labels(frame)
        answered: list[tuple[str, Candidate]] = []
        differing: dict[str, Candidate] = {}  # period label -> another paper's figure for it
        missing: list[str] = []
        rejections: list[Rejection] = []
        all_passing: list[Candidate] = []
        for key, label in labels:
            sub = _sub_frame(frame, key)
            candidates, rejected = self.candidates(sub, hits)
            rejections += rejected
            passing = [c for c in candidates if c.score >= FIGURE_THRESHOLD and c.figure is not None]
            all_passing += passing
            if passing:
                best = passing[0]
                answered.append((label, best))
                other = _differing(sub, best, passing[1:])
                if other is not None:
                    differing[label] = other
            else:
                missing.append(label)
        if len(answered) < 2:
            return None  # not a multi-period answer after all: answer it whole
        citations: list[Citation] = []
        numbers: dict[tuple[str, int | None, int], int] = {}
        stated: list[str] = []
        for label, c in answered:
            ident = (c.hit.doc_id, c.hit.page, c.quote_start)
            if ident not in numbers:
                numbers[ident] = len(citations) + 1
                citations.append(citation_for(numbers[ident], c))
            assert c.figure is not None
            scale = f" (in {c.scale})" if c.scale else ""
            stated.append(f"{c.figure.raw.strip()}{scale} {_period_phrase(label)} [{numbers[ident]}]")
        lead = "The papers give " + (", ".join(stated[:-1]) + " and " + stated[-1]) + "."
        shown = list(answered)
        for label, c in answered:
            other = differing.get(label)
            if other is None or other.figure is None:
                continue
            ident = (other.hit.doc_id, other.hit.page, other.quote_start)
            if ident not in numbers:
                numbers[ident] = len(citations) + 1
                citations.append(citation_for(numbers[ident], other))
            lead += f" Another paper gives {other.figure.raw.strip()} {_period_phrase(label)} [{numbers[ident]}]."
            shown.append((label, other))
        quotes = []
        for label, c in shown:
            n = numbers[(c.hit.doc_id, c.hit.page, c.quote_start)]
            line = f'{says(c.hit.doc_type)} "{_display(c)}" [{n}]'
            if line not in quotes:
                quotes.append(line)
        text = " ".join([lead, *quotes])
        if missing:
            text += f" The papers do not give the figure for {' or '.join(missing)}."
        return Draft(text, True, citations, all_passing, rejections)

    def _figure_answer(
        self, frame: QuestionFrame, best: Candidate, passing: list[Candidate], rejections: list[Rejection]
    ) -> Draft:
        assert best.figure is not None
        others: list[Candidate] = []
        rest = list(passing[1:])
        while len(others) < 2:
            other = _differing(frame, best, rest, {o.figure.value for o in others if o.figure})
            if other is None:
                break
            others.append(other)
            rest = rest[rest.index(other) + 1 :]
        if not others:
            citation = citation_for(1, best)
            # A figure of a narrower measure than asked ("care leavers aged 18 to 25")
            # is not restated as the question's measure: the quote says what it counts.
            # Nor is it restated in the question's words unless the quote holds all of the
            # question's key terms: a restatement must not claim more than the quote shows
            # ("466 ... were in independent fostering agency placements" from a sentence
            # about all foster placements).
            restated = (
                None
                if _qualified(frame, best) or not _quote_covers(frame, best)
                else restate(frame.text, best.figure.raw.strip())
            )
            statement = restated or f"The papers give {best.figure.raw.strip()}"
            if best.scale:  # "2,200" under a "£000" heading is £2.2m, not £2,200
                statement += f" (in {best.scale}, as the table states)"
            support = f'{says(best.hit.doc_type)} "{_display(best)}" [1]'
            text = lead_sentence_text(statement, "[1]", support)
            return Draft(
                text, True, [citation], passing, rejections,
                figure=best.figure, statement=statement, support=support, date=best.hit.date,
            )  # fmt: skip
        chosen = [best, *others[:2]]
        citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
        # Figures first, each with its citation (the citations carry title, date and
        # page, so none of those is restated in prose), then each paper's own words.
        stated = "; ".join(
            f"{c.figure.raw.strip() if c.figure else ''}{f' (in {c.scale})' if c.scale else ''} [{n}]"
            for n, c in enumerate(chosen, start=1)
        )
        quotes = [f'{says(c.hit.doc_type)} "{_display(c)}" [{n}]' for n, c in enumerate(chosen, start=1)]
        one_paper = len({c.hit.doc_id for c in chosen}) == 1
        lead = "The paper gives different figures on different pages" if one_paper else "The papers give different figures"
        text = f"{lead}: {stated}. " + " ".join(quotes)
        dated = [(c.hit.date, n) for n, c in enumerate(chosen, start=1) if c.hit.date]
        if len(dated) == len(chosen) and len({d for d, _ in dated}) == len(dated):
            newest = max(dated)[1]
            text += f" The more recent paper is [{newest}]."
        return Draft(text, True, citations, passing, rejections)


# Words that narrow a measure to a subgroup or another kind of figure ("UASC care
# leavers", "new arrivals", "aged 18 to 25", "forecast"): two figures whose measures
# differ in these are not two papers' values of one thing.
_QUALIFIERS = frozenset(
    """uasc asylum unaccompani arrival entrant eligible aged age male female boy girl disabl
    residential foster placement external internal agency independent kinship sgo adopt adoption
    remand respite outside send neet eet sdq iha rha pep staff budget primary secondary ks1 ks2
    ks4 ks5 forecast target project estimat average median""".split()
)


# Of those, the ones that name a kind of placement or pupil: asked for, they must be by
# the figure ("independent fostering agency placements" is not "foster placements").
_KIND_QUALIFIERS = frozenset(
    """independent external internal agency residential kinship sgo remand respite male female boy girl
    primary secondary interim target forecast""".split()
)


def _figure_context(candidate: Candidate) -> tuple[str, str]:
    """The clause around a candidate's figure (before, after), and a bare row's lead-in."""
    fig = candidate.figure
    text = candidate.unit.text
    if fig is None:
        return text, ""
    before = text[max(0, fig.start - 60) : fig.start]
    before = re.split(r"[.;!?](?:\s|$)", before)[-1]
    after = re.split(r"[,.;:()](?:\s|$)|\n", text[fig.end : fig.end + 40])[0]
    lead = candidate.page_text[candidate.quote_start : candidate.unit.start] if candidate.quote_start < candidate.unit.start else ""
    return f"{before} {after}", lead


def _periods(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(as-at dates and months, years) a text names."""
    exact: set[str] = set()
    years: set[str] = set()
    for f in extract_figures(text):
        if f.kind in ("date", "month"):
            exact.add(f.value[:7] if f.kind == "date" else f.value)
            years.add(f.value[:4])
        elif f.kind == "fy":
            years |= {f.value, str(int(f.value) + 1)}
        elif f.is_year:
            years.add(f.value)
    return frozenset(exact), frozenset(years)


def _differing(
    frame: QuestionFrame, best: Candidate, rest: Sequence[Candidate], seen: set[str] | frozenset[str] = frozenset()
) -> Candidate | None:
    """The first of ``rest`` that another paper gives as a different value of ``best``'s measure."""
    assert best.figure is not None
    for c in rest:
        if c.figure is None or c.figure.value in {best.figure.value, *seen}:
            continue
        if c.hit.doc_id == best.hit.doc_id and (c.hit.page == best.hit.page or c.overlap < best.overlap - 0.1):
            continue
        if (
            c.score >= DISAGREE_RATIO * best.score
            and c.figure.kind == best.figure.kind
            and same_measure(frame, best, c)
        ):
            return c
    return None


def _quote_covers(frame: QuestionFrame, candidate: Candidate) -> bool:
    """Whether the quote (with its section heading and its paper's population) holds
    every key term of the question."""
    hit = candidate.hit
    near = terms(candidate.quote) | terms(" ".join(filter(None, [hit.section, hit.context]))) | _population(hit.title)
    return not (key_terms(frame) - near)


def _qualified(frame: QuestionFrame, candidate: Candidate) -> bool:
    """Whether a candidate's figure carries a qualifier the question does not name."""
    near, _ = _figure_context(candidate)
    return bool((terms(near) & _QUALIFIERS) - frame.terms)


def same_measure(frame: QuestionFrame, a: Candidate, b: Candidate) -> bool:
    """Whether two candidates' figures are values of the same measure, council and period.

    Only then is their difference a disagreement between papers. The question's subject
    terms next to each figure must be the same; neither may carry a qualifier the other
    lacks ("UASC", "new arrivals", "aged ...") unless the question names it; the
    councils must match when both are known, and the periods when both state one.
    """
    if a.council and b.council and a.council != b.council:
        return False
    (near_a, lead_a), (near_b, lead_b) = _figure_context(a), _figure_context(b)
    terms_a, terms_b = terms(near_a), terms(near_b)
    key = key_terms(frame)
    if key & terms_a != key & terms_b:
        return False  # the figures sit next to different parts of the question's subject
    qual_a = (terms_a | terms(lead_a)) & _QUALIFIERS
    qual_b = (terms_b | terms(lead_b)) & _QUALIFIERS
    if (qual_a ^ qual_b) - frame.terms:
        return False
    (exact_a, years_a), (exact_b, years_b) = _periods(near_a), _periods(near_b)
    if exact_a and exact_b:
        return bool(exact_a & exact_b)
    if years_a and years_b:
        return bool(years_a & years_b)
    return True


# A sentence that refers back to the one before it for its subject.
_ANAPHORA = re.compile(r"\s*(?:[-•*]\s*)?(?:of\s+(?:these|those|this|them)|this|these|those|it|they|such)\b", re.I)


def subject_terms(frame: QuestionFrame) -> frozenset[str]:
    """The question's terms that a unit should share: not its framing words ("share",
    "number"), nor "children" and "care" when the question says "children in care"."""
    out = frame.terms - _FRAME_WORDS
    if "cic" in out:
        out -= {"children", "child", "care"}
    return out or frame.terms


_COMPARATOR = re.compile(
    r"\b(?:councils|local\s+authorities|authorities)\s+in\s+England\b|\bnational(?:ly|\s+average|\s+figure)\b|"
    r"\bEngland\s+average\b|\bstatistical\s+neighbours?\b|\b(?:all|other)\s+(?:councils|local\s+authorities)\b|"
    r"\bregional\s+average\b|\b(?:in|across)\s+England\b",
    re.I,
)
_PRESENT = re.compile(r"\b(?:currently|current|now|at\s+present|presently|to\s+date|as\s+it\s+stands)\b", re.I)
_INHERIT_UNITS = 3  # units before a period-less unit that may give it its period


def _paper_fys(meta: Any) -> frozenset[str]:
    """The financial or academic years a paper is about, from its period or title ("2019-20")."""
    fys: set[str] = set()
    for text in (getattr(meta, "period", None) or "", getattr(meta, "title", "") or ""):
        fys |= {f.value for f in extract_figures(text) if f.kind == "fy"}
    return frozenset(fys)


def _paper_period_matches(frame: QuestionFrame, meta: Any) -> bool:
    """Whether every period the question names is the paper's own (its period or date).

    An annual report for "2019-20" is about financial year 2019/20 and stands at
    31 March 2020; a paper dated 21 January 2020 speaks of January 2020 and of 2020.
    """
    date = getattr(meta, "date", None)
    fys = _paper_fys(meta)
    ends = {f"{int(fy) + 1}-03-31" for fy in fys}
    for iso in frame.dates:
        if not (iso in ends or (date is not None and date.isoformat() == iso)):
            return False
    for month in frame.months:
        if date is None or date.isoformat()[:7] != month:
            return False
    for fy in frame.fys:
        if fy not in fys:
            return False
    for year in frame.years:
        if date is None or str(date.year) != year or fys:
            return False  # "in 2019" is not a whole 2019-20 report's year
    return True


def _lead_in(units: list[Unit], i: int) -> list[Unit]:
    """Up to two units before ``i`` that introduce it: a question line, a table header.

    Sibling rows above a row ("2013 – 520 LAC" above "2014 – 530 LAC") are skipped,
    so every row of a list gets the list's header as its lead-in.
    """
    j = i - 1
    if _BULLET.match(units[i].text):
        while j >= 0 and _BULLET.match(units[j].text):
            j -= 1  # sibling bullet points: the list's lead-in is above them
    if _row_like(units[i]):
        while j >= 0 and (_row_like(units[j]) or _ROW_END.search(units[j].text)) and not _table_intro(units[j]):
            j -= 1  # sibling rows, short or long ("** CF2 Eff Reduction in ... -1,500 -2,200")
    lead: list[Unit] = []
    for k in (j, j - 1):
        if k < 0:
            break
        lead.insert(0, units[k])
        if units[k].text.rstrip().endswith(("?", ":")) or len(units[k].text) > 200:
            break
    return lead


_EXCLUDING = re.compile(
    r"\b(?:not\s+counting|not\s+including|excluding|except(?:\s+for)?|apart\s+from|other\s+than|leaving\s+out)\s+"
    r"(?P<what>[^,?.;]+)",
    re.I,
)


def _excluded(question: str) -> frozenset[str]:
    """The terms of what a question leaves out ("..., not counting care leavers?")."""
    found: set[str] = set()
    for m in _EXCLUDING.finditer(question):
        found |= terms(m["what"])
    return frozenset(found)


_PARTNERS = re.compile(
    r"\b(?:other|which|what|partner|neighbouring|neighboring)\s+(?:local\s+)?(?:councils|authorities|local\s+authorities|las)\b", re.I
)
_NAMES_COUNCIL = re.compile(r"\b[A-Z][a-z]+(?:shire)?(?:\s+(?:City|County|Borough))?(?:\s+and\s+[A-Z][a-z]+(?:\s+(?:City|County))?)*\s+(?:County\s+|City\s+|Borough\s+)?Councils?\b")
_COHORT = re.compile(r"\b(?:(?:school\s+)?year|yr|y)\s?(\d{1,2})(?![\d/,-]|\.\d)|\b(?:ks|key\s+stage)\s?(\d|one|two|three|four|five)\b", re.I)
_STAGE_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}


def _cohorts(text: str) -> frozenset[str]:
    """School years and key stages a text names: "Year 10" -> {"y10"}, "KS2" -> {"ks2"}."""
    return frozenset(
        f"y{m[1]}" if m[1] else f"ks{_STAGE_WORDS.get(m[2].lower(), m[2])}" for m in _COHORT.finditer(text)
    )


def _table_intro(unit: Unit) -> bool:
    """A table's own lead-in: a line introducing it ("... the following number of final
    orders –") or its column header ("Type of Order 2018-19 2019-20"). A row's lead-in
    stops there; the prose above belongs to the page, not to the row."""
    text = unit.text.rstrip()
    intro = text.endswith(":") or (text.endswith(("–", "—", " -")) and len(text.split()) >= 6)  # not "Supported Lodgings -"
    return intro or len(re.findall(r"\b(?:19|20)\d\d\s*[/-]\s*\d\d\b", text)) >= 2


def _period_count(frame: QuestionFrame) -> int:
    return len(frame.dates) + len(frame.months) + len(frame.fys) + len(frame.years)


def _period_labels(frame: QuestionFrame) -> list[tuple[str, str]]:
    """(key, as written in the question) of each period a question names, in its order."""
    out: list[tuple[str, str]] = []
    for fig in extract_figures(frame.text):
        key = None
        if fig.kind in ("date", "month", "fy"):
            key = f"{fig.kind}:{fig.value}"
        elif fig.is_year:
            key = f"year:{fig.value}"
        if key and key not in {k for k, _ in out}:
            out.append((key, fig.raw.strip()))
    return out


def _period_phrase(label: str) -> str:
    if re.match(r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]", label) or "/" in label and label.count("/") == 2:
        return f"at {label}"
    return f"in {label}"


def _sub_frame(frame: QuestionFrame, key: str) -> QuestionFrame:
    """``frame`` narrowed to one of its periods, asking for any figure when it asked for text."""
    from dataclasses import replace

    kind, value = key.split(":", 1)
    empty: frozenset[str] = frozenset()
    return replace(
        frame,
        answer_type=frame.answer_type if frame.wants_figure else "any",
        dates=frozenset({value}) if kind == "date" else empty,
        months=frozenset({value}) if kind == "month" else empty,
        fys=frozenset({value}) if kind == "fy" else empty,
        years=frozenset({value}) if kind == "year" else empty,
        figures=frame.figures,
    )


def _heading_like(unit: Unit) -> bool:
    text = unit.text.strip()
    if "<div" in text or "<table" in text:
        return True
    return len(text) < 70 and not re.search(r"[.!;)]$", text) and not re.search(r"\b(?:is|are|was|were)\b", text)


def _heading_only(head: Unit, unit: Unit, frame: QuestionFrame) -> bool:
    """Whether a lead-in ending in ":" is only a heading above a self-contained sentence.

    "The key messages within this report are:" above "The number of children in care
    on 31 March 2020 was 657." is trimmed from the quote; a table header above a bare
    row ("Budget for LAC:" above "2014-15 - £25,627,200") is kept.
    """
    if not head.text.rstrip().endswith(":") or unit.row:
        return False
    text = unit.text.strip()
    if len(text) < 40 or len(text.split()) < 6 or not re.match(r"[\"“(]?[A-Z]", text) or not text.endswith((".", "!", ")")):
        return False
    return not frame.has_period or _period_match(frame, text, text)[0]


def _row_like(unit: Unit) -> bool:
    return unit.row or (len(unit.text) < 60 and any(ch.isdigit() for ch in unit.text))


def _weight(term: str) -> float:
    if term in _GENERIC:
        return _GENERIC[term]
    return _CONCEPT_WEIGHT if term.isalpha() and term in _CONCEPTS else 1.0


_CONCEPTS = frozenset(
    {
        "cic",
        "careleaver",
        "virtualschool",
        "headteacher",
        "budget",
        "staff",
        "placement",
        "residential",
        "foster",
        "uasc",
        "iha",
        "rha",
        "sdq",
        "neet",
        "eet",
        "pep",
        "send",
        "ofsted",
        "mtfs",
    }
)


def _overlap(
    question: frozenset[str], own: frozenset[str], lead: frozenset[str], around: frozenset[str], strong: bool
) -> float:
    """Weighted share of the question's terms in a unit (1), its lead-in (0.85 or 0.4),
    or its paper's title, section and context (0.3)."""
    total = sum(_weight(t) for t in question)
    if total == 0:
        return 0.0
    got = 0.0
    for term in question:
        if term in own:
            got += _weight(term)
        elif term in lead:
            got += _weight(term) * (0.85 if strong else 0.4)
        elif term in around:
            got += _weight(term) * 0.3
    return got / total


def _period_match(frame: QuestionFrame, unit_text: str, text: str) -> tuple[bool, list[tuple[int, int]]]:
    """Whether ``text`` names the question's period; spans of the match in the unit."""
    if not frame.has_period:
        return True, []
    figures = extract_figures(text)
    keys = {f.key for f in figures}
    day_months = {
        (m.group(1), m.group(2).lower()[:3])
        for m in re.finditer(
            r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\b(?!\s*,?\s*(?:19|20)\d\d)", text
        )
    }
    ok = True
    for iso in frame.dates:
        year, month, day = iso.split("-")
        exact = f"date:{iso}" in keys
        month_name = _MONTH_ABBR[int(month) - 1]
        loose = f"number:{int(year)}" in keys and (str(int(day)), month_name) in day_months
        ok = ok and (exact or loose)
    for fy in frame.fys:
        ok = ok and f"fy:{fy}" in keys
    for month in frame.months:
        ok = ok and (f"month:{month}" in keys or any(k.startswith(f"date:{month}") for k in keys))
    for year in frame.years:
        ok = ok and any(
            (f.kind == "number" and f.value == year)
            or (f.kind in ("date", "month") and f.value.startswith(year))
            or (f.kind == "fy" and year in (f.value, str(int(f.value) + 1)))
            for f in figures
        )
    wanted = (
        {f"date:{d}" for d in frame.dates}
        | {f"fy:{y}" for y in frame.fys}
        | {f"number:{y}" for y in frame.years}
    )
    spans = [
        (f.start, f.end)
        for f in extract_figures(unit_text)
        if f.key in wanted or (f.kind == "number" and any(f.value == d[:4] for d in frame.dates))
    ]
    return ok, spans


_MONTH_ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _answer_figure(
    frame: QuestionFrame,
    unit: Unit,
    figures: list[Figure],
    period_spans: list[tuple[int, int]],
    bare_row: bool,
) -> Figure | None:
    """The figure in ``unit`` that answers a figure question.

    Figures of another period than the one named are out; of the rest, the one next to
    the question's terms ("657 children in care") and nearest the period named wins.
    A figure must sit next to a question term unless the unit is a bare answer row
    under a lead-in ("2014-15 - £25,627,200" under "Budget for LAC").
    """
    if not frame.wants_figure:
        return None
    pool: list[Figure] = []
    for fig in figures:
        if fig.key in frame.figures or fig.is_year:
            continue
        if fig.start == 0 and re.match(r"\d{1,3}[.)]\s", unit.text):
            continue  # a paragraph number, "58. References ..."
        if re.match(r"\d{1,2}(?:\.\d{1,2})+\s+[A-Z]", unit.text[fig.start :]) and (
            fig.start == 0 or unit.text[fig.start - 1] == "\n"
        ):
            continue  # a section number, "2.4 Numbers of CiC"
        if (
            _CHANGE.search(unit.text[max(0, fig.start - 25) : fig.start]) or _DIFFERENCE.match(unit.text, fig.end)
        ) and not (frame.terms & _CHANGE_TERMS or _DIFFERENCE.search(frame.text)):
            continue  # "an increase of 75", "28 more PEPs than": a change, not the figure asked for
        if frame.answer_type == "money" and (
            fig.kind == "money" or (fig.kind == "number" and "£" in unit.text)
        ):
            pool.append(fig)
        elif frame.answer_type == "percent" and fig.kind == "percent":
            pool.append(fig)
        elif frame.answer_type == "rate" and fig.kind in ("number", "percent"):
            tail = unit.text[fig.end : fig.end + 12]
            tail = unit.text[fig.end : fig.end + 30]
            if not _fragment(unit.text, fig) and re.match(r"\s*(?:[a-z]+\s+){0,2}(?:per\b|/)", tail):
                pool.append(fig)
        elif frame.answer_type == "any" and fig.kind in ("percent", "money"):
            pool.append(fig)
        elif frame.answer_type in ("count", "any") and fig.kind == "number":
            tail = unit.text[fig.end : fig.end + 12].lower()
            head = unit.text[max(0, fig.start - 14) : fig.start].lower()
            averaged = re.search(r"(?:average|rate|ratio|mean)(?:\s+of)?\s*$", head)
            if re.match(r"\s*(?:per\b|/)", tail) or (averaged and not frame.terms & {"average", "mean", "median"}):
                continue  # a rate or an average, not a count
            if _REFERENCE.search(head):
                continue  # "Section 20", "paragraph 14", "Year 11"
            if _DURATION.match(tail) and not _DURATION.search(frame.text):
                continue  # "12 months", "2 years"
            if _fragment(unit.text, fig):
                continue
            if _MONTH_BEFORE.search(unit.text[max(0, fig.start - 10) : fig.start]):
                continue  # "in March 20": a year (or a day), not a count
            if _BASE_OF.search(unit.text[max(0, fig.start - 30) : fig.start]) and not frame.terms & {"total", "all"}:
                continue  # "47 (27.6%) of the 170": 170 is the base the count is taken from
            pool.append(fig)
    # A figure nearer another date or period than the one asked is that period's figure.
    periods = [f for f in figures if f.kind in ("date", "month", "fy") or f.is_year]
    if period_spans and periods:
        asked = {s for s, _ in period_spans}
        pool = [fig for fig in pool if _period_of(fig, periods, figures).start in asked]
        # "4/18 (22.2%) achieved ... compared to 46.15% in 2018": when the asked period is
        # the comparison's, its figure is the one inside the comparison clause.
        for clause in _COMPARED.finditer(unit.text):
            if any(clause.start() <= s < clause.end() for s in asked):
                inside = [f for f in pool if clause.start() <= f.start < clause.end()]
                pool = inside or pool
    if not pool:
        return None

    key_terms = frozenset(t for t in frame.terms if t not in _GENERIC) or frame.terms

    def window(fig: Figure) -> tuple[frozenset[str], frozenset[str]]:
        # "47 (27.6%) of the 170 children leaving care ... went to live with parents": what
        # 47 counts follows its share and base, so the window starts after them.
        share = _SHARE_OF.match(unit.text, fig.end)
        if share:  # to the end of its clause
            after = re.split(r"[.;!?](?:\s|$)", unit.text[share.end() : share.end() + 100])[0]
            return terms(after), terms(unit.text[max(0, fig.start - 50) : fig.start])
        return terms(_after_window(unit.text, fig.end)), terms(unit.text[max(0, fig.start - 50) : fig.start])

    def fit(fig: Figure) -> float:
        # "657 children in care", "number of children in care ... was 657"
        after, before = window(fig)
        near = min((abs(fig.start - s) for s, _ in period_spans), default=0)
        part_of = 2.0 if re.match(r"\s*\(\s*\d+(?:\.\d+)?\s*%", unit.text[fig.end : fig.end + 12]) else 0.0
        return (
            6.0 * len(after & frame.terms & _KIND_QUALIFIERS)  # "203 boys" when boys are asked about
            + 4.0 * len(after & key_terms)
            + 1.0 * len(before & key_terms)
            + len(after & frame.terms)
            + 0.25 * len(before & frame.terms)
            - near / 100.0
            - part_of
        )

    best = max(pool, key=fit)
    attached = bool((window(best)[0] | window(best)[1]) & key_terms)
    # A lone % or £ figure of the asked period needs no neighbouring term: the sentence's
    # subject may be far before it ("The percentage ... decreased from 12.32% in 2017-18
    # to 9.58% in 2018-19"); the measure check below still applies.
    lone = len(pool) == 1 and best.kind in ("percent", "money") and bool(period_spans)
    if not attached and not bare_row and not lone:
        return None  # a figure tied to nothing the question asks about ("the last 2 years")
    measure = measure_terms(frame)
    clause = re.split(r"[.;!?](?:\s|$)", unit.text[max(0, best.start - 110) : best.start])[-1]
    share = _SHARE_OF.match(unit.text, best.end)
    tail_end = share.end() + 100 if share else best.end + 70
    clause += " " + re.split(r"[.;!?](?:\s|$)", unit.text[best.end : tail_end])[0]
    if measure and not bare_row and len(terms(clause) & measure) / len(measure) < 0.5:
        return None  # the figure next to it measures something else ("8.5% ... residential")
    return best


def _period_of(fig: Figure, periods: list[Figure], figures: list[Figure]) -> Figure:
    """The period a figure is given for: the next one after it when nothing of its kind
    comes between ("from 12.32% in 2017-18 to 9.58% in 2018-19"), else the nearest
    ("In 2019/20, 657 ... compared to 582 in 2018/19": 657 is 2019/20's)."""
    after = [p for p in periods if p.start >= fig.end]
    if after:
        nxt = min(after, key=lambda p: p.start)
        between = [f for f in figures if f.kind == fig.kind and fig.end <= f.start < nxt.start and f is not fig]
        if not between and nxt.start - fig.end <= 40:
            return nxt
    return min(periods, key=lambda p: abs(p.start - fig.start))


def _after_window(text: str, at: int, width: int = 60) -> str:
    """The words after a figure that say what it counts: up to the clause's end (":",
    ";", "(", a sentence end) and ``width`` characters, never half a word
    ("378 Leicestershire children of statutory school age in care: 203 boys")."""
    aside = re.match(r"\s*\([^()]{0,20}\)", text[at:])  # "466 (71%) were placed in foster placements"
    if aside:
        at += aside.end()
    # ... and before the next figure: "203 boys and 175 girls" says 203 counts boys only.
    window = re.split(r"[:;!?(]|\.(?:\s|$)|\s(?=£?\d[\d,.]*%?\s+[a-z])", text[at : at + width])[0]
    if len(window) == width and at + width < len(text) and text[at + width].isalnum():
        window = window.rsplit(" ", 1)[0]
    return window


# A comparison with another period: "compared to 46.15% in 2018", "up from 582 in 2019".
_COMPARED = re.compile(
    r"\b(?:compared\s+(?:to|with)|up\s+from|down\s+from|against|from)\s+(?:[^.;]|\.\d){0,40}?\b(?:in|at|on|for|during)\s+(?:[^.;,]|[.,]\d){0,45}",
    re.I,
)
_SHARE_OF = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*of\s+(?:the\s+|all\s+)?\d[\d,]*")
_MONTH_BEFORE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.I)
_BASE_OF = re.compile(r"\d\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*of\s+(?:the\s+|all\s+)?$")
_CHANGE = re.compile(r"\b(?:increase|decrease|rise|fall|drop|reduction|growth|up|down)\s+(?:of|by)\s+(?:over\s+|around\s+|about\s+)?$", re.I)
_CELL_TEXT = r"-?£?\(?-?\d[\d,]*(?:\.\d+)?\)?%?"
_CELLS_ONLY = re.compile(rf"^\s*{_CELL_TEXT}(?:\s+{_CELL_TEXT})+\s*$")  # a row of bare cells, "98 96"
_DIFFERENCE = re.compile(r"\s*(?:more|fewer|less)\b[^.;:]{0,60}?\bthan\b", re.I)
_CHANGE_TERMS = frozenset({"rise", "fall", "change", "growth", "differ", "difference", "reduc"})


# An FOI request or form wording, not an answer ("If yes, please provide ...").
_REQUEST = re.compile(
    r"\b(?:please\s+(?:provide|supply|send|confirm|state)|if\s+(?:yes|so)\s*,|could\s+you|"
    r"I\s+would\s+(?:like|appreciate)|you\s+asked)\b",
    re.I,
)
# A lettered request item of an FOI letter ("e. The names of any software ...").
_LETTERED = re.compile(r"\s*\(?[a-hj-z]\s*[.)]\s+[A-Z]")
# Words that frame a question rather than name its subject ("how often", "what share").
_FRAME_WORDS = frozenset(
    """number percentage proportion share rate change use often take place make find time response
    report result conclude say give led current currently total much many new propos plann
    expect add""".split()
)
# Terms too common in these papers to say which measure a figure is.
_COMMON = frozenset({"cic", "care", "children", "child", "number", "careleaver", "budget"})
COVERAGE_TEXT = 0.75
COVERAGE_FIGURE = 0.6


def key_terms(frame: QuestionFrame) -> frozenset[str]:
    """The question's subject terms: its terms less generic and question-framing words."""
    return frozenset(t for t in frame.terms if t not in _GENERIC and t not in _FRAME_WORDS)


def measure_terms(frame: QuestionFrame) -> frozenset[str]:
    """The terms that say which measure a figure question asks about ("foster", "agency").

    A named service or department ("Children and Family Services") is whose figure it
    is, not the measure, so its words are not required next to the figure (the
    coverage gate still asks for them nearby).
    """
    holder = _holder_terms(frame)
    return frozenset(t for t in key_terms(frame) if t not in _COMMON and t not in holder)


def _holder_terms(frame: QuestionFrame) -> frozenset[str]:
    """Terms of the service or department a question names as whose figure it is."""
    out: frozenset[str] = frozenset()
    for match in _HOLDER.finditer(frame.text):
        out |= terms(match.group(0))
    return out


_HOLDER = re.compile(
    r"\b(?:[A-Z][\w&]*\s+(?:(?:and|&)\s+)?)*[A-Z][\w&]*\s+(?:Services?|Department|Directorate)\b"
)
_PERIOD_COL = re.compile(r"\b(20\d\d)\s*[/-]\s*(\d\d)\b")
_CELL = re.compile(rf"^{_CELL_TEXT}$")


def _grid_cell(frame: QuestionFrame, hit: Hit, unit: Unit, above: str = "") -> tuple[Figure | None, bool] | None:
    """The cell of a one-line table row that the question asks for, read as a grid.

    The column header is the last line of the hit's context; it must name as many
    columns (periods, or tab/multi-space/£-separated labels) as the row has numeric
    cells. The column is the one whose period the question names, else whose label
    words the question uses, else the only one. ``None``: not a readable grid row
    (the ordinary reading applies); ``(None, _)``: a grid row whose column is
    ambiguous (no answer from it); ``(figure, period_ok)`` otherwise. Where the context
    has no such header, the nearest line ``above`` the row (on its page or the page
    before) naming one period per cell is the header ("2020/21 2021/22 2022/23 2023/24").
    """
    text = unit.text
    if "\n" in text:
        return None
    tokens = list(re.finditer(r"\S+", text))
    cells = []
    for tok in reversed(tokens):
        if not _CELL.match(tok.group(0)) or re.fullmatch(r"(?:19|20)\d\d", tok.group(0)):
            break  # a year ends the label ("Recommendations 2019"), it is not a cell
        cells.append(tok)
    cells.reverse()
    label = text[: cells[0].start()] if cells else ""
    if not cells or not re.search(r"[A-Za-z]{3}", label):
        return None
    lines = [ln.strip() for ln in (hit.context or "").splitlines() if ln.strip()]
    header = lines[-1] if len(lines) >= 2 else ""
    if sum(bool(_CELL.match(t)) for t in header.split()) >= 2:
        header = ""  # the context's last line is a row, not a header
    if len(list(_PERIOD_COL.finditer(header))) != len(cells):
        header = _period_header(above, len(cells)) or header
    if not header:
        return None
    periods = [m.group(1) for m in _PERIOD_COL.finditer(header)]
    columns: list[str] = []
    if len(periods) == len(cells):
        columns = [m.group(0) for m in _PERIOD_COL.finditer(header)]
    else:
        periods = []
        for splitter in (r"\t|\s{2,}", r"£|%"):
            parts = [p.strip() for p in re.split(splitter, header) if re.search(r"[A-Za-z]", p)]
            if len(parts) == len(cells):
                columns = parts
                break
    if not columns:
        return None
    if periods:
        picked = [i for i, y in enumerate(periods) if y in frame.fys]
        period_ok = bool(picked)
        if not frame.fys and len(cells) == 1:
            picked, period_ok = [0], not frame.has_period
    else:
        own = [terms(c) for c in columns]
        picked = [i for i, t in enumerate(own) if (t - _shared(own)) & frame.terms]
        if len(cells) == 1:
            picked = [0]
        period_ok = _period_match(frame, text, text + " " + header)[0] or not frame.has_period
    if len(picked) != 1:
        return (None, False)
    cell = cells[picked[0]]
    figure = next(
        (f for f in extract_figures(text) if f.start <= cell.start() < f.end or cell.start() <= f.start < cell.end()),
        None,
    )  # "-2,200": the figure is the cell less its sign
    return (figure, period_ok)


_THOUSANDS = re.compile(r"£\s*['’]?000s?\b|£\s*k\b|£\s*thousands?\b|\bthousands of pounds\b", re.I)
_SCALE_LOOKBACK = 40  # lines


def money_scale(above: str, row: str) -> str:
    """"£ thousands" when the table above a row states its money columns in £000, else "".

    Budget tables give "2,200" under a "£000" heading: stated bare, a reader could take
    it for £2,200. The heading is looked for between the row and the prose above the
    table; a row that writes its own "£" needs no scale.
    """
    if "£" in row:
        return ""
    for line in reversed(above.splitlines()[-_SCALE_LOOKBACK:]):
        if _THOUSANDS.search(line):
            return "£ thousands"
        if len(line.split()) >= 12 and line.rstrip().endswith("."):
            return ""  # prose: the table (and its heading) starts below
    return ""


_BROKEN_FY = re.compile(r"\b(20\d\d)\s*/\s*(\d)\s(\d)\b")  # "2021/2 2" as PDF text splits "2021/22"
_HEADER_LOOKBACK = 60  # lines


def _period_header(above: str, n_cells: int) -> str | None:
    """The nearest line above naming exactly ``n_cells`` periods (repaired), or None."""
    for line in reversed(above.splitlines()[-_HEADER_LOOKBACK:]):
        if len(line.split()) >= 12 and line.rstrip().endswith("."):
            return None  # prose: the table (and any header of its own) ends here
        repaired = _BROKEN_FY.sub(r"\1/\2\3", line)
        if len(list(_PERIOD_COL.finditer(repaired))) == n_cells and n_cells >= 2:
            return repaired
    return None


def _table_lines(units: list[Unit]) -> list[Unit]:
    """A table's units one line each (sentence splitting can join rows)."""
    out: list[Unit] = []
    for unit in units:
        if "\n" not in unit.text or _prose(unit):
            out.append(unit)
            continue
        at = 0
        for line in unit.text.split("\n"):
            off = unit.text.find(line, at)
            at = off + len(line)
            if len(line.strip()) >= 3:
                lead = len(line) - len(line.lstrip())
                out.append(Unit(unit.start + off + lead, unit.start + off + lead + len(line.strip()), line.strip(), row=True))
    return out


def _typed_values(frame: QuestionFrame, text: str) -> frozenset[str]:
    """The dates (day or month precision), grades or frequencies a text gives."""
    if frame.answer_type == "date":
        return frozenset(f.key for f in extract_figures(text) if f.kind in ("date", "month"))
    if frame.answer_type == "judgement":
        return frozenset(m.group(0).lower() for m in _GRADE.finditer(text))
    if frame.answer_type == "frequency":
        return frozenset(m.group(0).lower() for m in _FREQUENCY.finditer(text))
    if frame.answer_type == "person":
        return frozenset(m.group(0) for m in _PERSON.finditer(text))
    return frozenset()


def _prose(unit: Unit) -> bool:
    """A sentence wrapped over lines beside a table ("47 (27.6%) of the 170\nchildren leaving
    care ... went to live with parents or relatives."): read whole, not line by line."""
    return (
        not _rows_inside(unit)
        and len(unit.text.split()) >= 8
        and bool(re.search(r"[a-z]{2}[.!?]\s*$", unit.text))
    )


def _rows_inside(unit: Unit) -> bool:
    """Whether a unit is really several table rows, one per line ("KS4 Attainment 8 22.48")."""
    lines = [ln for ln in unit.text.split("\n") if ln.strip()]
    return len(lines) >= 2 and sum(bool(_ROW_END.search(ln)) for ln in lines) >= 2


_ROW_END = re.compile(r"[A-Za-z].*\s-?£?\d[\d,]*(?:\.\d+)?%?\s*$")


def _header_block(context: str) -> str:
    """The lines of a table hit's context from its last prose line on: its header cells."""
    lines = [ln for ln in context.splitlines() if ln.strip()]
    block: list[str] = []
    for line in reversed(lines):
        if sum(bool(_CELL.match(t)) for t in line.split()) >= 2 or line.rstrip().endswith("."):
            break
        block.insert(0, line)
    return "\n".join(block[-12:])


def _shared(column_terms: list[frozenset[str]]) -> frozenset[str]:
    """Terms every column label has ("avg", "cost"): they pick no column."""
    if not column_terms:
        return frozenset()
    out = column_terms[0]
    for t in column_terms[1:]:
        out &= t
    return out


def _question_numbers(frame: QuestionFrame) -> frozenset[str]:
    """Keys of the question's figures that name a measure ("Attainment 8", "12+ months"), not periods."""
    return frozenset(
        k for k in frame.figures if k.startswith("number:") and not re.fullmatch(r"number:(?:19|20)\d\d", k)
    )


_POPULATIONS = frozenset({"cic", "careleaver"})


def _population(title: str | None) -> frozenset[str]:
    """Who a whole paper is about, from its title: every passage of "Children in Care
    health annual report" or of a Virtual School report (the Virtual School serves
    children in care) is about children in care, whether or not its page says so."""
    found = terms(title or "")
    return (found & _POPULATIONS) | (frozenset({"cic"}) if "virtualschool" in found else frozenset())


def named_terms(frame: QuestionFrame) -> frozenset[str]:
    """Terms of the question's named entities ("Curve Theatre", "Ofsted", "CQC", "KS4")."""
    words = re.findall(r"(?<![.?!]\s)(?<!^)\b([A-Z][A-Za-z0-9&]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]+)\b", frame.text)
    out: set[str] = set()
    for word in words:
        out |= terms(word)
    for phrase in _TITLE_PHRASE.findall(frame.text):  # "Children in Care" is the concept, not two words
        out |= terms(phrase)
    return frozenset(out) & key_terms(frame)


_TITLE_PHRASE = re.compile(r"(?<!^)\b[A-Z][a-z]+(?:\s+(?:in|of|and|&)\s+[A-Z][a-z]+)+\b")


def covers(frame: QuestionFrame, near: frozenset[str], wider: frozenset[str] = frozenset()) -> bool:
    """Whether a unit (with its lead-in and heading: ``near``) covers the question's subject.

    Every named entity must be there or on its page or in its paper's title
    (``wider``: "Lead inspector: Kate Malleson" on a page of the Ofsted letter), and
    most of the other key terms, those only in ``wider`` counting half: for text
    questions 75% of them, for figure questions 60%.
    """
    key = key_terms(frame)
    if not key:
        return True
    if named_terms(frame) - near - wider:
        return False
    weight = sum(_weight(t) for t in key)
    half = 0.0 if frame.wants_figure else 0.5  # a figure must sit by its measure's words, not just on their page
    got = sum(_weight(t) * (1.0 if t in near else half if t in wider else 0.0) for t in key)
    need = COVERAGE_FIGURE if frame.wants_figure else COVERAGE_TEXT
    return got / weight >= need - 1e-9


def _fragment(text: str, fig: Figure) -> bool:
    """A number that is part of something else: "2023/34", a phone number "0161 618 8524"."""
    before = text[max(0, fig.start - 3) : fig.start]
    after = text[fig.end : fig.end + 2]
    return bool(
        re.search(r"\d[/\-–]$", before)
        or re.match(r"[/\-–]\d", after)
        or re.search(r"\bper\s+$", text[max(0, fig.start - 5) : fig.start], re.I)
        or re.search(r"(?:tel|phone|textphone|fax|t:|tel:)\W*[\d\s]*$", text[max(0, fig.start - 30) : fig.start], re.I)
    )


# Ofsted's four grades (and the "requires improvement to be good" wording).
_GRADE = re.compile(r"\b(?:outstanding|requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|good)\b", re.I)
_FREQUENCY = re.compile(
    r"\b(?:daily|weekly|fortnightly|monthly|quarterly|termly|annually|yearly|"
    r"(?:every|each|once\s+a|twice\s+a|per)\s+(?:day|week|fortnight|month|quarter|term|year))\b",
    re.I,
)


_ORGANISATION_ASKED = re.compile(
    r"^\s*(?:and\s+)?who\s+(?:runs|provides|delivers|operates|commissioned|commissions|manages|funds|owns|supplies)\b", re.I
)


_PROVIDED_BY = re.compile(
    r"\b(?:commissioned|provided|delivered|run|operated|managed|funded|supplied)\s+(?:from|by)\s+(?:the\s+)?[A-Z]"
)


def _type_match(frame: QuestionFrame, text: str, *, strict: bool = False) -> bool:
    """Whether ``text`` holds the kind of answer asked for (a date for "when", a name
    for "who"); ``strict``: only for those typed questions, False for the rest."""
    if strict and frame.answer_type not in _TYPE_CHECKED:
        return False
    if frame.answer_type == "date":
        return any(f.kind in ("date", "month", "fy") or f.is_year for f in extract_figures(text))
    if frame.answer_type == "judgement":
        return bool(_GRADE.search(text))
    if frame.answer_type == "frequency":
        return bool(_FREQUENCY.search(text))
    if frame.answer_type == "name" or (frame.answer_type == "person" and _ORGANISATION_ASKED.search(frame.text)):
        # "Who runs MISTLE?": an organisation's name ("Family Action") the question does not hold.
        asked = frame.text.casefold()
        return any(m.group(0).casefold() not in asked for m in _PERSON.finditer(text))
    if frame.answer_type == "person":
        return any(
            not set(m.group(0).replace("-", " ").split()) & _NOT_NAMES
            and not re.match(r"\s*\([A-Z]{2,}\)", text[m.end() :])  # "Pupil Premium Plus (PPP)" is a term
            for m in _PERSON.finditer(text)
        )
    return True


def _overlaps(candidate: Candidate, chosen: list[Candidate]) -> bool:
    return any(
        c.hit.doc_id == candidate.hit.doc_id
        and c.hit.page == candidate.hit.page
        and c.quote_start < candidate.quote_end
        and candidate.quote_start < c.quote_end
        for c in chosen
    ) or any(clean(c.quote) == clean(candidate.quote) for c in chosen)


_NEXT_REQUEST = re.compile(r"\n\s*(?:\(?[a-z]\s*[.)]|\d{1,2}[.)]|Q\d{1,2}\b)\s*[A-Z]|\n\s*You\s+asked", re.I)
_BULLET = re.compile(r"\s*[·•\-–*]\s")
MAX_REPLY_CHARS = 600


def _reply(page_text: str, request: Unit) -> Unit | None:
    """The reply under an FOI request line: from the first sentence after it that is not
    the request's own (its bullet points, "Namely to facilitate:", "If yes, please
    provide ..."), to the next request, at most ~600 characters."""
    rest = page_text[request.end :]
    end_match = _NEXT_REQUEST.search(rest)
    block_end = request.end + (end_match.start() if end_match else len(rest))
    units = [u for u in split_units(page_text, request.end, block_end) if u.start >= request.end]
    start = None
    for k, u in enumerate(units):
        following = units[k + 1].text if k + 1 < len(units) else ""
        lead_in = u.text.rstrip().endswith(":") and bool(_BULLET.match(following))
        if _BULLET.match(u.text) or lead_in or _REQUEST.search(u.text) or u.text.rstrip().endswith("?"):
            continue
        start = u.start
        break
    if start is None:
        return None
    end = min(block_end, start + MAX_REPLY_CHARS)
    if end < block_end:
        cut = page_text.rfind("\n", start, end)
        end = cut if cut > start else end
    end = start + len(page_text[start:end].rstrip())
    return Unit(start, end, page_text[start:end])


def _display(candidate: Candidate) -> str:
    """The quote as shown in the answer: the nearest lead-in, then the unit itself."""
    unit = candidate.unit
    if candidate.quote_start == unit.start:
        text = clean(unit.text)
        return f"{text}." if len(text) < 40 and text[-1:].isalnum() else text  # a bare "No" reads as a reply
    lead = split_units(candidate.page_text, candidate.quote_start, unit.start)
    heads = [u for u in lead if not _row_like(u)] or lead
    head = clean(heads[-1].text) if heads else ""
    if head == clean(unit.text):
        return head  # the page repeats the sentence
    gap = candidate.page_text[heads[-1].end : unit.start].strip() if heads else ""
    return f"{head} {'… ' if gap else ''}{clean(unit.text)}".strip()


def refusal_text(frame: QuestionFrame, rejections: Sequence[Rejection]) -> str:
    """ "The papers do not say ..." with, where known, why nearby figures do not fit."""
    focus = frame.text.strip().rstrip("?. ")
    focus = focus[:1].lower() + focus[1:] if focus[:2] != focus[:2].upper() else focus
    text = f"The papers do not say {focus}."
    if frame.foreign:
        areas = " or ".join(dict.fromkeys(frame.other_areas))
        return (
            f"{text} They cover Leicester City Council and Leicestershire County Council, not {areas}, "
            "so no figure is given here."
        )
    reasons = {r.reason for r in rejections}
    other_councils = sorted(
        {r.council for r in rejections if r.reason == "council" and r.council} - set(frame.councils)
    )
    if "council" in reasons and other_councils:
        names = " or ".join(COUNCILS[c] for c in other_councils)
        asked = " or ".join(frame.council_names) or "the council asked about"
        text += f" The closest figures found are for {names}, not {asked}, so they are not given here."
    elif "period" in reasons:
        text += " The closest figures found are for a different date or period, so they are not given here."
    return text
