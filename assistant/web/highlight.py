"""Safe highlighting for the pages: every function escapes the text it is given.

Papers can contain ``<script>``; these helpers return ``Markup`` built from escaped
pieces and the only tags they add are ``<mark>`` and citation links.

    highlight_terms("Children in care <b>", query_terms("children in care"))
    mark_quote(page.text, citation.quote, start=citation.start)
    cite_links("There were 690 [1].", {1: "/documents/x?page=3"})
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "many",
        "much",
        "of",
        "on",
        "or",
        "the",
        "this",
        "that",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "did",
        "does",
        "do",
        "there",
        "their",
        "they",
        "than",
        "then",
        "into",
        "about",
        "over",
        "under",
        "per",
        "any",
        "all",
    ]
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_CITE = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def query_terms(query: str) -> list[str]:
    """Words worth highlighting: no stopwords, longest first, de-duplicated."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(query or ""):
        word = word.strip("'’-").lower()
        if word and word not in _STOPWORDS and (len(word) > 2 or word.isdigit()):
            seen.setdefault(word, None)
    return sorted(seen, key=len, reverse=True)


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = [re.escape(t) for t in terms if t]
    if not words:
        return None
    # A term matches at a word start and takes the rest of the word: "child" -> "children".
    return re.compile(
        r"(?<![A-Za-z0-9])(?:" + "|".join(words) + r")[A-Za-z0-9]*", re.IGNORECASE
    )


def highlight_terms(text: str, terms: Iterable[str]) -> Markup:
    """``text`` escaped, with each occurrence of a term wrapped in ``<mark>``."""
    pattern = _terms_pattern(terms)
    if pattern is None:
        return Markup(escape(text))
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, terms: Iterable[str], width: int = 360) -> str:
    """A window of ``text`` around the first term (plain text; escape when rendering)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    pattern = _terms_pattern(terms)
    match = pattern.search(text) if pattern else None
    begin = max(0, (match.start() if match else 0) - width // 4)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 30 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + width // 2 else end
    return ("… " if begin else "") + text[begin:end] + (" …" if end < len(text) else "")


def find_quote(
    text: str, quote: str, start: int | None = None
) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``: at ``start`` if it matches there, else the first
    exact occurrence, else the first occurrence ignoring differences in white space."""
    quote = (quote or "").strip()
    if not quote:
        return None
    if start is not None and 0 <= start and text[start : start + len(quote)] == quote:
        return start, start + len(quote)
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def mark_quote(text: str, quote: str | None, start: int | None = None) -> Markup:
    """``text`` escaped, with the quoted passage wrapped in ``<mark id="quote">``."""
    span = find_quote(text, quote or "", start)
    if span is None:
        return Markup(escape(text))
    a, b = span
    return (
        escape(text[:a])
        + Markup('<mark id="quote" class="app-quote" tabindex="-1">%s</mark>')
        % text[a:b]
        + escape(text[b:])
    )


def cite_links(answer: str, links: Mapping[int, str]) -> Markup:
    """``answer`` escaped, each ``[n]`` with a known citation made a link to its source."""
    out: list[str] = []
    last = 0
    for match in _CITE.finditer(answer):
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if not all(n in links for n in numbers):
            continue
        out.append(escape(answer[last : match.start()]))
        out.append(
            Markup("").join(
                Markup(
                    '<a class="app-cite" href="%s" data-cite="%d" aria-label="Source %d">[%d]</a>'
                )
                % (links[n], n, n, n)
                for n in numbers
            )
        )
        last = match.end()
    out.append(escape(answer[last:]))
    return Markup("").join(out)
