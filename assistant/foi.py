"""FOI drafting: split a Freedom of Information request into its questions, answer
each from the papers (with citations), and lay out a draft response for an FOI
officer to check.

The draft never invents an answer: a question the papers do not answer is marked
for the officer ("not found in the published papers searched"), and a question
asking for staff names or contact details is flagged for a section 40(2)
(personal data) decision rather than answered.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .config import LOCAL_OPERATOR, Principal

if TYPE_CHECKING:
    from .service import Assistant

# "1.", "1)", "(a)", "a.", "a)", "i.", "-", "*", "•" at the start of a line
_ITEM = re.compile(r"^\s*(?:\(?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]|[-*\u2022\u00b7])\s+(?P<text>.+)$")
_PERSONAL = re.compile(
    r"\b(name|names|e-?mail|direct dial|phone|telephone|contact number|mobile|home address)\b", re.I
)
_MAX_ITEMS = 20


def split_request(request_text: str) -> list[str]:
    """The separate questions of a request: numbered/bulleted items, else sentences
    ending in '?', else the whole text as one question."""
    lines = [line.rstrip() for line in request_text.splitlines()]
    items: list[str] = []
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append(match.group("text").strip())
        elif items and line.strip() and not line.strip().endswith(":"):
            # continuation of the previous numbered item
            items[-1] = f"{items[-1]} {line.strip()}"
    if not items:
        items = [q.strip() for q in re.findall(r"[^?.!\n][^?\n]*\?", request_text)]
    if not items:
        items = [" ".join(request_text.split())]
    return [i for i in items if len(i) > 3][:_MAX_ITEMS]


def _asks_for_personal_data(question: str) -> bool:
    return bool(_PERSONAL.search(question)) and not re.search(r"\bhow many\b|\bnumber of\b", question, re.I)


def draft_response(
    service: "Assistant", request_text: str, *, principal: Principal = LOCAL_OPERATOR
) -> dict[str, Any]:
    """Answer each question of an FOI request from the papers and draft the reply.

    Returns ``{"items": [...], "draft": str, "citations": [...], "needs_review": [...]}``;
    every figure in ``draft`` comes from a cited passage or tool result of its item.
    """
    questions = split_request(request_text)
    items: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    needs_review: list[str] = []
    body: list[str] = []
    for number, question in enumerate(questions, start=1):
        heading = f"{number}. {question}"
        if _asks_for_personal_data(question):
            text = (
                "[For the FOI officer] This asks for staff names or contact details. Consider "
                "whether section 40(2) (personal data) applies; names of senior officers that "
                "the council already publishes may be released."
            )
            items.append({"n": number, "question": question, "status": "review", "answer": text, "citations": []})
            needs_review.append(f"{number}: possible personal data (s.40(2))")
            body.append(f"{heading}\n{text}")
            continue
        answer = service.ask(question, principal=principal)
        # Renumber this item's citations into one list for the whole letter.
        offset = len(citations)
        text = answer.answer
        item_citations = []
        for c in answer.citations:
            new_n = offset + c.n
            text = text.replace(f"[{c.n}]", f"[#{new_n}]")
            cdict = c.model_dump(mode="json") | {"n": new_n}
            item_citations.append(cdict)
        text = text.replace("[#", "[")
        citations.extend(item_citations)
        if answer.found:
            status = "answered"
        else:
            status = "not_found"
            needs_review.append(f"{number}: not found in the published papers searched")
            text = (
                "[For the FOI officer] The published papers searched do not answer this. "
                "Check with the service whether the information is held."
            )
        items.append(
            {
                "n": number,
                "question": question,
                "status": status,
                "answer": text,
                "found": answer.found,
                "verified": answer.verified,
                "citations": item_citations,
                "tool_calls": [t.model_dump(mode="json") for t in answer.tool_calls],
            }
        )
        body.append(f"{heading}\n{text}")

    sources = "\n".join(
        f"[{c['n']}] {c['title']} ({c['source']}{', page ' + str(c['page']) if c.get('page') else ''})"
        for c in citations
    )
    draft = (
        "Freedom of Information Act 2000\n\n"
        "Your request for information has now been considered and the Council's response "
        "to your questions is shown below.\n\n"
        "You asked:\n\n" + "\n\n".join(body) + "\n\n"
        + ("Sources:\n" + sources + "\n\n" if sources else "")
        + "You may re-use the information under the Open Government Licence.\n"
    )
    return {"items": items, "draft": draft, "citations": citations, "needs_review": needs_review}
