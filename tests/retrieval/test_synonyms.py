from assistant.retrieval.synonyms import CONCEPTS, concept_tags, expand_query


def test_abbreviations_and_phrases_share_a_tag() -> None:
    text = "LAC, CLA, CiC, children in care, Looked-After Children and child looked after"
    assert concept_tags(text) == ["syn:lac"] * 6


def test_strict_abbreviations_match_only_as_written() -> None:
    assert concept_tags("Please send the SEND figures") == ["syn:send"]
    assert concept_tags("versus vs VS") == ["syn:vs"]


def test_abbreviation_inside_a_word_is_not_matched() -> None:
    assert concept_tags("lacking clarity; the placement") == []


def test_domain_abbreviations_are_covered() -> None:
    keys = {c.key for c in CONCEPTS}
    assert {
        "lac",
        "send",
        "ehcp",
        "uasc",
        "neet",
        "eet",
        "pep",
        "mtfs",
        "ilacs",
        "vs",
        "iro",
        "sgo",
        "camhs",
        "sdq",
    } <= keys
    assert concept_tags("education, health and care plan") == ["syn:ehcp"]
    assert concept_tags("Strengths and Difficulties Questionnaire") == ["syn:sdq"]


def test_expand_query_appends_full_names_once() -> None:
    assert expand_query("LAC budget") == "LAC budget (looked after children)"
    assert expand_query("UASC and SDQ") == (
        "UASC and SDQ (unaccompanied asylum-seeking children; strengths and difficulties questionnaire)"
    )
    assert expand_query("budget for looked after children") == "budget for looked after children"
