"""Rule-based coreference (factdb.nlp.coreference) on sentences written for these tests: what
it ties to a name, and what it must leave as written (issue 26)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from factdb.nlp.coreference import ORG, PERSON, Coreference


def rewritten(nlp: Language, text: str) -> str:
    return Coreference(nlp(text)).rewrite(0, len(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Tom Reyes signed for Harwick Albion in May. The 22-year-old is out on loan.",
            "Tom Reyes signed for Harwick Albion in May. Tom Reyes (22) is out on loan.",
            id="age-description",
        ),
        pytest.param(
            "Dana Kerr fled on Monday. He had lived in the town for 20 years.",
            "Dana Kerr fled on Monday. Dana Kerr had lived in the town for 20 years.",
            id="he-across-sentences",
        ),
        pytest.param(
            "Brantwell Foods said that it would close two factories. Its shares fell.",
            "Brantwell Foods said that Brantwell Foods would close two factories. "
            "Brantwell Foods's shares fell.",
            id="it-and-its",
        ),
        pytest.param(
            "The Aldren Museum reopened on Sunday. The museum had no alarm.",
            "The Aldren Museum reopened on Sunday. Aldren Museum had no alarm.",
            id="the-name-s-own-noun",
        ),
        pytest.param(
            "Halvard Systems appointed Nadia Brenn as chief executive. She starts in May.",
            "Halvard Systems appointed Nadia Brenn as chief executive. Nadia Brenn starts in May.",
            id="role-makes-a-person-of-a-name-labelled-org",
        ),
    ],
)
def test_what_the_text_makes_clear_is_resolved(nlp: Language, text: str, expected: str) -> None:
    assert rewritten(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Tokayev met Putin on Monday. He said the talks went well.", id="two-people"),
        pytest.param(
            "Kerr spoke to a driver on Monday. He said nothing.", id="a-person-noun-between"
        ),
        pytest.param(
            "Divers found the missing fisherman on Thursday. He had spent two nights outside.",
            id="nobody-named",
        ),
        pytest.param("It is unclear whether Acme Corp will survive.", id="weak-it"),
        pytest.param(
            "Acme Corp sold the plant in May and closed it.", id="an-object-it-is-any-thing"
        ),
        pytest.param(
            "Bill Clinton spoke on Friday. Hillary Rodham Clinton said her plan would work.",
            id="one-surname-two-people",
        ),
        pytest.param(
            "Marta Quell is running for mayor of Harlow Vale. She raised $6 million.",
            id="the-recogniser-s-labels-alone-do-not-tell-who-she-is",
        ),
    ],
)
def test_what_is_ambiguous_stays_as_written(nlp: Language, text: str) -> None:
    assert rewritten(nlp, text) == text


def test_a_subject_pronoun_is_resolved_and_an_object_one_is_not(nlp: Language) -> None:
    """ "him" cannot be the subject of its own clause, and is rarely the name found."""
    assert rewritten(nlp, "Aaron McKinney said he wanted to rob him.") == (
        "Aaron McKinney said Aaron McKinney wanted to rob him."
    )


def test_a_titled_surname_is_a_person_of_its_own(nlp: Language) -> None:
    text = "Matthew Shepard died on Monday. Mrs. Shepard said she wanted justice."
    assert rewritten(nlp, text) == (
        "Matthew Shepard died on Monday. Mrs. Shepard said Mrs. Shepard wanted justice."
    )


def test_referent_names_the_owner_of_a_token(nlp: Language) -> None:
    """The call another layer makes: who the "22-year-old" of an age is."""
    doc = nlp("Tom Reyes joined Albion in May. The 22-year-old scored twice.")
    coreference = Coreference(doc)
    age = next(t for t in doc if t.text == "22")
    owner = coreference.referent(age)
    assert owner is not None and (owner.name, owner.label) == ("Tom Reyes", PERSON)
    assert coreference.span_referent(doc[0:2]) == owner
    assert coreference.referent(next(t for t in doc if t.text == "scored")) is None
    company = nlp("Brantwell Foods cut jobs. The company blamed demand.")
    resolved = Coreference(company).referent(next(t for t in company if t.text == "company"))
    assert resolved is not None and (resolved.name, resolved.label) == ("Brantwell Foods", ORG)
