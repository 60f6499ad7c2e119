"""Document metadata from content: title, type, council, committee, date, period.

Heuristics read what council papers put on their first page (meeting headers,
"REPORT OF THE DIRECTOR ...", "Freedom of Information Act 2000", "This report
covers the period ...") plus the file's own metadata and name. None of them
knows these particular papers: they are cues any English council paper carries.

A manifest (JSON or YAML, keyed by file name) overrides any field, ``access``
included::

    {"cic-health-annual-report-2019-20.pdf": {"title": "...", "access": "staff"}}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import ConfigError
from ..types import DOC_TYPE_LABELS, DocType, DocumentMeta
from .readers import RawDocument

MANIFEST_NAMES = ("manifest.json", "manifest.yaml", "manifest.yml")

# Web and e-mail domains that name a council unambiguously. Extend as councils are added.
COUNCIL_DOMAINS: dict[str, str] = {
    "leics.gov.uk": "Leicestershire County Council",
    "leicestershire.gov.uk": "Leicestershire County Council",
    "leicester.gov.uk": "Leicester City Council",
    "rutland.gov.uk": "Rutland County Council",
    "nottinghamcity.gov.uk": "Nottingham City Council",
    "nottinghamshire.gov.uk": "Nottinghamshire County Council",
    "derby.gov.uk": "Derby City Council",
    "derbyshire.gov.uk": "Derbyshire County Council",
}

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
    r"\.?,?\s+((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_BODY = r"(?:Committee|Board|Cabinet|Panel|Forum|Commission|Partnership|Council)"
_MEETING_FIELD = re.compile(r"^\s*(?:Meeting|Committee)\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_DATE_FIELD = re.compile(r"^\s*Date(?:/Time)?\s*(?:of meeting)?\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(
    rf"^\s*(?P<body>[A-Za-z][A-Za-z,&' ]*?{_BODY})\s*[-–—:,]\s*(?P<rest>.*\d{{4}}.*)$", re.IGNORECASE | re.MULTILINE
)
_MINUTES_OF = re.compile(
    rf"Minutes of (?:a|the) meeting of (?:the )?(?P<body>[A-Z][\w,&' ]*?{_BODY})\b"
    r"(?P<rest>[^.]*?\bon\b[^.]*)?",
    re.IGNORECASE,
)
_REPORT_TO = re.compile(rf"\breport to (?:the )?(?P<body>[A-Z][\w,&' ]*?{_BODY})\b", re.IGNORECASE)
_REPORT_OF = re.compile(r"^\s*(?:joint\s+)?report of\b", re.IGNORECASE | re.MULTILINE)
_AGENDA_LINE = re.compile(r"^\s*agenda\s*$", re.IGNORECASE | re.MULTILINE)
_FOI = re.compile(r"freedom of information|\bFOI\b|\bEIR\b|request for information", re.IGNORECASE)
_FOI_SUBJECT = re.compile(r"^\s*(?:re|subject|request)\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-/–]\s*((?:19|20)?\d{2})\b")
_COVERS = re.compile(r"\bcovers? the period\b(?P<span>[^.]{0,80})", re.IGNORECASE)
_NAMED_COUNCIL = re.compile(
    r"\b((?:[A-Z][a-z]+ ){1,3}?(?:City|County|Borough|District|Metropolitan Borough) Council)\b"
)
_DOMAIN = re.compile(r"(?:@|//|www\.|\b)([a-z0-9-]+(?:\.[a-z0-9-]+)*\.gov\.uk)\b", re.IGNORECASE)
_JUNK_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint) - |untitled|document\d*$|slide \d+$)", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

_HEAD_CHARS = 3000  # how much of the first pages counts as "the front"


def doc_id_for(path: Path) -> str:
    """Stable document id: the slug of the file stem, so a changed file replaces itself."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "document"


def extract_metadata(raw: RawDocument, path: Path) -> DocumentMeta:
    """Best-effort metadata for one read file (no manifest applied)."""
    text = "\n".join(raw.pages)
    head = text.lstrip()[:_HEAD_CHARS]
    file_title = _clean_file_title(raw.metadata.get("title"), path)
    doc_type = _doc_type(head, file_title or "", path.stem)
    committee = _committee(head, file_title or "")
    date = _date(head, doc_type, path)
    period = _period(head, file_title or "", path.stem)
    title = _title(head, doc_type, committee, date, file_title, path)
    return DocumentMeta(
        title=title,
        doc_type=doc_type,
        council=_council(text, raw.metadata.get("title") or ""),
        committee=committee,
        date=date,
        period=period,
    )


def context_label(meta: DocumentMeta) -> str:
    """A compact line naming the council, type and date/period of a paper, for chunk context.

    Parts the title already states are left out: "Leicester City Council, FOI response, 2015";
    "Leicestershire County Council, Committee report, 5 November 2018". A date on 1 January
    is shown as its year: it usually comes from a bare year in the file name.
    """
    title = meta.title.casefold()
    parts: list[str] = []
    if meta.council and meta.council.casefold() not in title:
        parts.append(meta.council)
    kind = DOC_TYPE_LABELS.get(meta.doc_type, "")
    if meta.doc_type != "other" and kind.casefold() not in title and kind.split()[0].casefold() not in title:
        parts.append(kind)
    when = ""
    if meta.period:
        when = meta.period
    elif meta.date:
        when = (
            str(meta.date.year) if (meta.date.month, meta.date.day) == (1, 1) else f"{meta.date.day} {meta.date:%B %Y}"
        )
    if when and when.casefold() not in title:
        parts.append(when)
    return ", ".join(parts)


# --- manifest -----------------------------------------------------------------


def load_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Read a manifest file: ``{file name: {field: value}}``."""
    try:
        raw_text = path.read_text(encoding="utf-8")
        data = json.loads(raw_text) if path.suffix.lower() == ".json" else yaml.safe_load(raw_text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError("manifest", f"{path}: could not be read ({exc})") from exc
    data = data or {}
    if not isinstance(data, Mapping) or not all(isinstance(v, Mapping) for v in data.values()):
        raise ConfigError("manifest", f"{path}: expected a mapping of file name -> fields")
    unknown = {key for fields in data.values() for key in fields} - set(DocumentMeta.model_fields)
    if unknown:
        raise ConfigError("manifest", f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    return {str(name): dict(fields) for name, fields in data.items()}


def find_manifest(folder: Path) -> Path | None:
    """The manifest file inside ``folder``, if there is one."""
    return next((folder / name for name in MANIFEST_NAMES if (folder / name).is_file()), None)


def apply_overrides(meta: DocumentMeta, overrides: Mapping[str, Any]) -> DocumentMeta:
    """``meta`` with manifest fields replacing extracted ones (validated)."""
    if not overrides:
        return meta
    try:
        return DocumentMeta.model_validate({**meta.model_dump(), **overrides})
    except ValidationError as exc:
        raise ConfigError("manifest", f"invalid override for {meta.title!r}: {exc.errors()[0]['msg']}") from exc


# --- fields -------------------------------------------------------------------


def _doc_type(head: str, file_title: str, stem: str) -> DocType:
    label = f"{file_title} {stem.replace('-', ' ').replace('_', ' ')}".lower()
    front = head[:600]
    if _FOI.search(front) or re.search(r"\bfoi\b", label):
        return "foi_response"
    if _AGENDA_LINE.search(head) or "agenda" in label:
        return "agenda_pack"
    if re.match(r"\s*minutes\b", front, re.IGNORECASE) or label.startswith("minutes"):
        return "minutes"
    if "action plan" in label:
        return "action_plan"
    if "annual report" in label or re.search(r"\bannual report\b", front, re.IGNORECASE):
        return "annual_report"
    if _REPORT_OF.search(front) or re.search(r"purpose of (?:the|this) report", head, re.IGNORECASE):
        return "committee_report"
    if re.search(r"\binspection\b", label) or re.search(r"\b(?:ofsted|inspection report)\b", front, re.IGNORECASE):
        return "inspection_report"
    return "other"


def _committee(head: str, file_title: str) -> str | None:
    for pattern in (_MEETING_FIELD, _HEADER_LINE, _MINUTES_OF, _REPORT_TO):
        for source in (head, file_title):
            match = pattern.search(" ".join(source.split()) if pattern is _MINUTES_OF else source)
            if not match:
                continue
            body = match.group("body") if "body" in pattern.groupindex else match.group(1)
            body = re.sub(r"^(?:the|a)\s+", "", body.strip(" ,-"), flags=re.IGNORECASE)
            if re.search(_BODY, body, re.IGNORECASE) and len(body.split()) <= 12:
                return _display_case(body)
    return None


def _date(head: str, doc_type: DocType, path: Path) -> dt.date | None:
    """Meeting/report date from the front page; else the period end; else the file name."""
    candidates: list[str] = [m.group(1) for m in _DATE_FIELD.finditer(head)]
    candidates += [m.group("rest") for m in _HEADER_LINE.finditer(head[:600])]
    flat = " ".join(head.split())
    candidates += [m.group("rest") or "" for m in _MINUTES_OF.finditer(flat[:600])]
    for text in candidates:
        if found := _first_date(text):
            return found
    if doc_type != "foi_response":
        if (covers := _COVERS.search(flat)) and len(span := _all_dates(covers.group("span"))) >= 2:
            return span[-1]
        if doc_type in {"committee_report", "inspection_report", "action_plan"} and (found := _first_date(head[:1500])):
            return found
    return _file_name_date(path.stem)


def _period(head: str, file_title: str, stem: str) -> str | None:
    for source in (file_title, stem.replace("_", "-")):
        for first, second in _PERIOD.findall(source):
            if int(second[-2:]) == (int(first) + 1) % 100:
                return f"{first}-{second[-2:]}"
    covers = _COVERS.search(" ".join(head.split()))
    if covers and len(span := _all_dates(covers.group("span"))) >= 2 and span[-1].year == span[0].year + 1:
        return f"{span[0].year}-{span[-1].year % 100:02d}"
    return None


def _title(
    head: str,
    doc_type: DocType,
    committee: str | None,
    date: dt.date | None,
    file_title: str | None,
    path: Path,
) -> str:
    when = f"{date.day} {date:%B %Y}" if date else None
    if doc_type in {"agenda_pack", "minutes"} and committee and when:
        return f"{'Agenda' if doc_type == 'agenda_pack' else 'Minutes'}: {committee}, {when}"
    if doc_type == "committee_report" and (heading := _report_heading(head)):
        return heading
    if doc_type == "foi_response":
        if file_title and _FOI.search(file_title):
            return file_title
        subject = _FOI_SUBJECT.search(head[:1500])
        topic = _sentence_case(subject.group(1).rstrip(".")) if subject else _foi_topic(path.stem)
        return f"FOI response: {topic}" if topic else "FOI response"
    return file_title or _first_heading(head) or _humanise(path.stem)


def _council(text: str, file_title: str) -> str | None:
    """The council that published the paper, by weight of evidence in the text."""
    votes: Counter[str] = Counter()
    for name in _NAMED_COUNCIL.findall(file_title):
        votes[name] += 10
    for name in _NAMED_COUNCIL.findall(text):
        votes[name] += 1
    for domain in _DOMAIN.findall(text):
        domain = domain.lower()
        for known, council in COUNCIL_DOMAINS.items():
            if domain == known or domain.endswith("." + known):
                votes[council] += 2
    if paren := _TRAILING_PAREN.search(file_title):  # "(Leicester City Council)" / "(Leicestershire)"
        place = paren.group(1).strip()
        for name in list(votes):
            if name == place or name.split()[0] == place:
                votes[name] += 10
    if re.search(r"\b(?:the County Council|County Hall)\b", text):
        for name in list(votes):
            if " County Council" in name:
                votes[name] += 3
    if not votes:
        return None
    # A name seen once in passing ("Leicestershire District Council") should not win.
    name, score = votes.most_common(1)[0]
    return name if score >= 2 else None


# --- helpers ------------------------------------------------------------------


def _clean_file_title(title: str | None, path: Path) -> str | None:
    """A file's declared title, minus junk and trailing "(Council)"/" - report to ..." tails."""
    if not title or _JUNK_TITLE.match(title) or title.lower() in {path.name.lower(), path.stem.lower()}:
        return None
    title = _TRAILING_PAREN.sub("", title)
    title = re.split(r"\s+[-–—]\s+(?:report|minutes|agenda) (?:to|of|for)\b", title, flags=re.IGNORECASE)[0]
    title = re.sub(
        r"^(FOI (?:response|request)\s*:\s*)(\w)", lambda m: m.group(1) + m.group(2).upper(), title, flags=re.IGNORECASE
    )
    return title.strip() or None


def _report_heading(head: str) -> str | None:
    """A committee report's own title: the first heading line that is not the meeting header."""
    for line in _front_lines(head, 10):
        if _REPORT_OF.match(line):
            return None
        if _HEADER_LINE.match(line) or re.match(r"(?i)^(agenda item|appendix)\b", line):
            continue
        if _is_heading_like(line):
            return _display_case(line)
    return None


def _first_heading(head: str) -> str | None:
    for line in _front_lines(head, 6):
        if _is_heading_like(line) and not re.match(r"(?i)^(executive summary|contents|introduction)$", line):
            return _display_case(line.lstrip("# "))
    return None


def _front_lines(head: str, limit: int) -> list[str]:
    """The first non-blank lines, up to the first line of running prose."""
    lines: list[str] = []
    for line in (line.strip() for line in head.splitlines()):
        if not line:
            continue
        if len(line) > 90 or line.endswith(".") or ". " in line:
            break
        lines.append(line)
    return lines[:limit]


def _is_heading_like(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 14 and not line.endswith((".", ",", ";", ":")) and line[0].isupper() | line[0].isdigit()


def _display_case(text: str) -> str:
    """ALL CAPS text in title case (small words lower); other text unchanged."""
    text = " ".join(text.split())
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return text
    words = text.lower().split(" ")
    return " ".join(w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _sentence_case(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:].lower() if text.isupper() else text[:1].upper() + text[1:]


def _first_date(text: str) -> dt.date | None:
    dates = _all_dates(text)
    return dates[0] if dates else None


def _all_dates(text: str) -> list[dt.date]:
    found: list[dt.date] = []
    for day, month, year in _DATE.findall(text):
        month_number = _MONTHS.get(month.lower()) or next(
            n for name, n in _MONTHS.items() if name.startswith(month.lower()[:3])
        )
        try:
            found.append(dt.date(int(year), month_number, int(day)))
        except ValueError:
            continue
    return found


def _file_name_date(stem: str) -> dt.date | None:
    """An ISO date in the file name, else 1 January of a year in it, else None."""
    if match := _FILE_DATE.search(stem):
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    if match := _FILE_YEAR.search(stem):
        return dt.date(int(match.group(1)), 1, 1)
    return None


def _foi_topic(stem: str) -> str:
    """ "foi-2015-leicester-city-looked-after-children" -> "Leicester city looked after children"."""
    words = [w for w in re.split(r"[-_\s]+", stem) if w and not w.isdigit() and w.lower() not in {"foi", "eir"}]
    return _sentence_case(" ".join(words)) if words else ""


def _humanise(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem
