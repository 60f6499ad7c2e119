"""FOI drafting: each question answered from the papers or flagged for the officer."""

from __future__ import annotations

from assistant.foi import split_request

REQUEST = """Under the Freedom of Information Act please provide:
1. The number of looked after children in the care of the authority as at 31st March 2015.
2. The budget for looked after children in 2014-15.
3. The name and direct email address of the placements manager.
4. The number of children in care in Nottingham in 2023.
"""


def test_split_request_finds_numbered_items():
    items = split_request(REQUEST)
    assert len(items) == 4
    assert items[1].startswith("The budget for looked after children")


def test_split_request_falls_back_to_question_sentences():
    items = split_request("How many children are in care? What is the LAC budget?")
    assert items == ["How many children are in care?", "What is the LAC budget?"]


def test_draft_answers_flags_and_refuses(assistant):
    result = assistant.foi_draft(REQUEST)
    statuses = [item["status"] for item in result["items"]]
    assert statuses[0] == "answered" and "549" in result["items"][0]["answer"]
    assert statuses[1] == "answered" and "25,627,200" in result["items"][1]["answer"]
    assert statuses[2] == "review"  # personal data: s.40(2) decision for the officer
    assert statuses[3] == "not_found"
    assert "Freedom of Information Act 2000" in result["draft"]
    # every citation in the letter points at a page holding its quote
    for c in result["citations"]:
        if c["page"] is not None and c.get("kind", "passage") == "passage":
            assert c["quote"] in assistant.index.docstore.get_page(c["doc_id"], c["page"]).text
