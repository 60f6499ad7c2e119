"""Block Kit rendering of answers: escaping, quotes, not-found, tool figures, limits."""

from __future__ import annotations

import datetime as dt
import json

from assistant.types import Answer, Citation, Hit, ToolCall
from bots.slack.render import (
    FOOTER,
    escape,
    question_from_slack,
    render_answer,
    shorten,
)

HOSTILE = 'Spend <!channel> <@U0CEO> <script>alert("x")</script> & <https://evil.example|click>'


def _texts(message: dict) -> list[str]:
    out = [message["text"]]
    for block in message["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", [])]
    return out


def test_escape_follows_slack_rules():
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("<!channel>") == "&lt;!channel&gt;"


def test_paper_text_never_becomes_a_mention_or_link():
    answer = Answer(
        answer=f"The report says: {HOSTILE} [1].",
        found=True,
        citations=[Citation(n=1, doc_id="d", title="Budget <!here>", source="b.pdf", page=3, quote=HOSTILE)],
        notes=["<!everyone> note"],
    )
    message = render_answer(answer)
    for text in _texts(message):
        assert "<" not in text and ">" not in text, text
    joined = "\n".join(_texts(message))
    assert "&lt;!channel&gt;" in joined and "&lt;script&gt;" in joined and "&amp;" in joined
    # Slack must not auto-link names either: every mrkdwn object is verbatim.
    dumped = json.dumps(message["blocks"])
    assert dumped.count('"type": "mrkdwn"') == dumped.count('"verbatim": true')


def test_sources_list_title_page_and_verbatim_quote():
    quote = "As at 31 March 2020 there were 657 children in care."
    answer = Answer(
        answer="There were 657 children in care [1].",
        found=True,
        citations=[Citation(n=1, doc_id="cic", title="CiC health annual report", source="c.pdf", page=4, quote=quote)],
    )
    message = render_answer(answer)
    assert message["blocks"][0]["text"]["text"] == "There were 657 children in care [1]."
    sources = message["blocks"][1]
    assert sources["type"] == "context"
    assert sources["elements"][0]["text"] == "*Sources*"
    assert sources["elements"][1]["text"] == f'[1] CiC health annual report, p.4: "{quote}"'
    assert message["blocks"][-1]["elements"][0]["text"] == FOOTER


def test_long_quotes_are_shortened_with_an_ellipsis_never_altered():
    quote = " ".join(f"word{i}" for i in range(100))
    short = shorten(quote)
    assert short.endswith("…")
    assert 150 <= len(short) <= 201
    assert quote.startswith(short[:-1])
    assert shorten("short quote") == "short quote"


def test_not_found_shows_the_closest_documents():
    related = Hit(
        doc_id="vs",
        title="Leicestershire Virtual School",
        source="vs.pdf",
        doc_type="committee_report",
        date=dt.date(2018, 11, 5),
        page=9,
        text="...",
        score=0.8,
    )
    message = render_answer(Answer(answer="The papers do not say.", found=False, related=[related]))
    joined = "\n".join(_texts(message))
    assert joined.startswith("Not in the papers.")
    assert ":information_source: *Not in the papers.*" in joined
    assert "• Leicestershire Virtual School (5 November 2018), p.9" in joined
    assert FOOTER in joined


def test_tool_figures_are_labelled_with_their_source():
    call = ToolCall(
        name="get_kpi",
        arguments={"metric": "cla_at_31_march"},
        result={
            "found": True,
            "label": "Children in care at 31 March",
            "area": "Leicestershire",
            "period": "2020-03-31",
            "value": 657.0,
            "figures": [{"value": 657.0, "kind": "live", "source": "live_kpis.csv", "line": 2, "as_at": "2020-03-31"}],
        },
    )
    answer = Answer(answer="657 [1].", found=True, tool_calls=[call])
    joined = "\n".join(_texts(render_answer(answer)))
    assert (
        "Children in care at 31 March, Leicestershire, 2020-03-31: 657 (live figure; source: live_kpis.csv, line 2)"
        in joined
    )


def test_only_the_figures_the_answer_used_are_shown():
    """A model call for another council was run and listed, but not used: its figure stays out."""

    def call(area: str, value: float, *, used: bool) -> ToolCall:
        return ToolCall(
            name="get_kpi",
            arguments={"metric": "cla_at_31_march", "area": area, "period": "2020-03-31"},
            result={
                "found": True,
                "label": "Children in care at 31 March",
                "area": area,
                "period": "2020-03-31",
                "value": value,
                "figures": [{"value": value, "kind": "published", "source": "cla.pdf", "page": 3}],
            },
            caller="model",
            used=used,
        )

    note = "The model's get_kpi call (area='Leicester City') was not used: it is for Leicester City."
    answer = Answer(
        answer="657 [1].",
        found=True,
        tool_calls=[call("Leicester City", 710.0, used=False), call("Leicestershire", 657.0, used=True)],
        notes=[note],
    )
    joined = "\n".join(_texts(render_answer(answer)))
    assert (
        "Children in care at 31 March, Leicestershire, 2020-03-31: 657 (published figure; source: cla.pdf, p.3)"
        in joined
    )
    assert "710" not in joined
    assert "Leicester City, 2020-03-31" not in joined
    assert note in joined  # the reason is still shown


def test_block_kit_limits_hold_for_long_answers():
    citations = [
        Citation(n=i, doc_id="d", title=f"Paper {i}", source="p.pdf", page=i, quote="x" * 500) for i in range(1, 25)
    ]
    message = render_answer(Answer(answer="word " * 2000, found=True, citations=citations))
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        assert len(block.get("elements", [])) <= 10
        for text in [block.get("text", {}).get("text", "")] + [e["text"] for e in block.get("elements", [])]:
            assert len(text) <= 3000


def test_question_from_slack_drops_the_bot_mention_and_decodes_entities():
    assert question_from_slack("<@UBOT> What is R&amp;D &lt;2020&gt;?", "UBOT") == "What is R&D <2020>?"
    assert question_from_slack("<@UBOT> ask <@U0BOB|bob> about <#C1|general> <https://x.example|this>", "UBOT") == (
        "ask bob about general this"
    )
