"""Verify the evaluation sets against the corpus.

Run:  .venv/bin/python evals/check_sets.py

For every item in evals/search_set.jsonl and evals/qa_set.jsonl this checks:
  * required fields, id uniqueness, allowed values (kind, split, found);
  * `evidence` is 5-15 words and occurs verbatim, after whitespace
    normalisation (runs of whitespace -> one space), in the pypdf-extracted text
    of at least one page listed in `pages` of `source` (pages sorted, unique
    and existing);
  * the same for every entry of the optional `also` list (other documents that
    hold acceptable evidence);
  * for answerable QA items: every `answer_all` string and at least one
    `answer_any` string occurs (whitespace-normalised, case-insensitive) in the
    text of the listed pages (source + also) - this guards against typos in the
    expected figures;
  * unanswerable/found=false items have empty answer_any/answer_all;
  * conversation turns: turn 2 exists for each turn 1, same split;
  * every listed page exists in the document.
Exit status 0 when everything passes.

Page numbering: PDFs are 1-based page = pypdf index + 1. The DOCX has no
rendered page breaks (w:lastRenderedPageBreak) or hard page breaks, so it is a
single page 1; its text is python-docx paragraph text followed by table cells.
"""
from __future__ import annotations

import json
import re
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # also run as a script: python evals/check_sets.py
from evals.splits import SPLITS

CORPUS = ROOT / "corpus"
EVALS = ROOT / "evals"

DOCS = [
    "cfosc-2018-11-05-virtual-school-report.pdf",
    "cfosc-2020-01-21-agenda-pack.pdf",
    "cic-health-annual-report-2019-20.pdf",
    "foi-2015-leicester-city-looked-after-children.docx",
    "foi-leicester-city-lac-residential-placements.pdf",
]
QA_KINDS = {"figure", "table", "multi", "foi", "councillor", "unanswerable", "trap"}


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=None)
def pages_of(source: str) -> dict[int, str]:
    path = CORPUS / source
    if source.endswith(".pdf"):
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        return {i + 1: norm(p.extract_text() or "") for i, p in enumerate(reader.pages)}
    if source.endswith(".docx"):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf8")
        n_breaks = xml.count("lastRenderedPageBreak") + xml.count('w:type="page"')
        if n_breaks:
            raise SystemExit(f"{source}: has {n_breaks} page breaks; page counting rule must change")
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                parts.extend(c.text for c in row.cells)
        return {1: norm("\n".join(parts))}
    raise SystemExit(f"unknown document type: {source}")


def check_evidence(
    where: str, source: str, pages: list, evidence: str, errors: list, warnings: list | None = None
) -> None:
    if source not in DOCS:
        errors.append(f"{where}: unknown source {source!r}")
        return
    doc = pages_of(source)
    if not pages or not all(isinstance(p, int) for p in pages):
        errors.append(f"{where}: pages must be a non-empty list of ints")
        return
    for p in pages:
        if p not in doc:
            errors.append(f"{where}: page {p} not in {source} ({len(doc)} pages)")
            return
    ev = norm(evidence or "")
    n_words = len(ev.split())
    if not 5 <= n_words <= 15:
        errors.append(f"{where}: evidence has {n_words} words (need 5-15): {ev!r}")
    if pages != sorted(set(pages)):
        errors.append(f"{where}: pages must be sorted and unique: {pages}")
    elsewhere = [p for p, t in doc.items() if p not in pages and ev in t]
    if elsewhere and warnings is not None:
        warnings.append(f"{where}: evidence also on unlisted page(s) {elsewhere} of {source}")
    if not any(ev in doc[p] for p in pages):
        on = [p for p, t in doc.items() if ev in t]
        errors.append(
            f"{where}: evidence not on any listed page {pages} of {source}"
            f" (found on {on or 'no page'}): {ev!r}"
        )


def check_answers(where: str, item: dict, errors: list) -> None:
    texts = [pages_of(item["source"])[p] for p in item["pages"] if p in pages_of(item["source"])]
    for a in item.get("also", []):
        texts += [pages_of(a["source"])[p] for p in a["pages"] if p in pages_of(a["source"])]
    blob = " \n ".join(texts).lower()
    for s in item.get("answer_all", []):
        if norm(s).lower() not in blob:
            errors.append(f"{where}: answer_all {s!r} not found on listed pages")
    anys = item.get("answer_any", [])
    if anys and not any(norm(s).lower() in blob for s in anys):
        errors.append(f"{where}: no answer_any {anys!r} found on listed pages")


def load(name: str) -> list[dict]:
    items = []
    with open(EVALS / name, encoding="utf8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise SystemExit(f"{name}:{n}: bad JSON: {e}")
    return items


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []

    search = load("search_set.jsonl")
    ids = set()
    for it in search:
        w = f"search {it.get('id')}"
        for f in ("id", "query", "source", "pages", "evidence", "split"):
            if f not in it:
                errors.append(f"{w}: missing {f}")
        if it["id"] in ids:
            errors.append(f"{w}: duplicate id")
        ids.add(it["id"])
        if it.get("split") not in ("dev", "holdout", "holdout2"):
            errors.append(f"{w}: bad split")
        check_evidence(w, it["source"], it["pages"], it["evidence"], errors, warnings)
        for j, a in enumerate(it.get("also", [])):
            check_evidence(f"{w} also[{j}]", a["source"], a["pages"], a["evidence"], errors, warnings)

    qa = load("qa_set.jsonl")
    ids = set()
    convs: dict[str, dict[int, dict]] = {}
    for it in qa:
        w = f"qa {it.get('id')}"
        for f in ("id", "question", "kind", "found", "answer_any", "must_not", "split", "note"):
            if f not in it:
                errors.append(f"{w}: missing {f}")
        if it["id"] in ids:
            errors.append(f"{w}: duplicate id")
        ids.add(it["id"])
        if it.get("kind") not in QA_KINDS:
            errors.append(f"{w}: bad kind {it.get('kind')}")
        if it.get("split") not in SPLITS:
            errors.append(f"{w}: bad split")
        if it["kind"] == "unanswerable" and it["found"]:
            errors.append(f"{w}: unanswerable must have found=false")
        if not it["found"]:
            if it.get("answer_any") or it.get("answer_all"):
                errors.append(f"{w}: found=false items must have empty answer_any/answer_all")
            if it["kind"] == "trap" and not it.get("must_not"):
                warnings.append(f"{w}: found=false trap without must_not")
        else:
            if not (it.get("answer_any") or it.get("answer_all")):
                errors.append(f"{w}: answerable item needs answer_any or answer_all")
        if it.get("source") is not None:
            check_evidence(w, it["source"], it["pages"], it["evidence"], errors, warnings)
            for j, a in enumerate(it.get("also", [])):
                check_evidence(f"{w} also[{j}]", a["source"], a["pages"], a["evidence"], errors, warnings)
            if it["found"]:
                check_answers(w, it, errors)
        elif it["found"]:
            errors.append(f"{w}: found=true needs source/pages/evidence")
        if "conversation" in it:
            convs.setdefault(it["conversation"], {})[it["turn"]] = it

    for c, turns in convs.items():
        if sorted(turns) != list(range(1, len(turns) + 1)) or len(turns) < 2:
            errors.append(f"conversation {c}: turns {sorted(turns)}")
        if len({t["split"] for t in turns.values()}) != 1:
            errors.append(f"conversation {c}: turns in different splits")

    for m in warnings:
        print("WARN", m)
    for m in errors:
        print("FAIL", m)
    n_ev = sum(1 + len(i.get("also", [])) for i in search) + sum(
        1 + len(i.get("also", [])) for i in qa if i.get("source")
    )
    print(
        f"search_set: {len(search)} items; qa_set: {len(qa)} items; "
        f"{n_ev} evidence snippets checked; {len(errors)} failures, {len(warnings)} warnings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
