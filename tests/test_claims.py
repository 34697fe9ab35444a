"""Claim splitting: sentences in, atomic claims with speaker, polarity and hedging out.

The tables hold sentences of our own and sentences of the seed articles; each row says what
the splitter must produce. Expected values are what the rule demands, so a row fails when a
rule breaks (or when a model upgrade changes a parse the rule relies on).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from factdb.nlp.claims import ClaimSpan, is_noise, resolve_pronoun_speakers, split_claims
from factdb.nlp.types import ClaimDraft, Entity, Polarity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def claims_of(nlp: Language, text: str) -> list[ClaimSpan]:
    """All claims of `text`, sentence by sentence, in text order."""
    doc = nlp(text)
    found: list[ClaimSpan] = []
    for index, sent in enumerate(doc.sents):
        found.extend(split_claims(sent, index))
    return found


def one_sentence(nlp: Language, text: str) -> list[ClaimSpan]:
    """Claims of a text that must parse as a single sentence."""
    doc = nlp(text)
    sents = list(doc.sents)
    assert len(sents) == 1, [s.text for s in sents]
    return split_claims(sents[0], 0)


def texts(claims: list[ClaimSpan]) -> list[str]:
    return [c.draft.text for c in claims]


# --------------------------------------------------------------------------- splitting

SPLITS = [
    pytest.param(
        "Previously, he said 18 security guards were dead and 748 injured in clashes with "
        "protesters.",
        ["18 security guards were dead", "748 injured in clashes with protesters"],
        id="gapped-number",
    ),
    pytest.param(
        "Tokayev accepted his government\u2019s resignation and fired several senior security "
        "officials on Wednesday in an attempt to appease protesters.",
        [
            "Tokayev accepted his government\u2019s resignation",
            "fired several senior security officials on Wednesday in an attempt to appease "
            "protesters",
        ],
        id="coordinated-verbs",
    ),
    pytest.param(
        "Dozens of people have already been killed and hundreds injured in the unrest.",
        ["Dozens of people have already been killed", "hundreds injured in the unrest"],
        id="gapped-vague-number",
    ),
    pytest.param(
        "Russian paratroopers have joined operations to retake Almaty airport, according to "
        "the Defense Ministry in Moscow, which said 75 planes transported its forces to "
        "Kazakhstan after Tokayev appealed for help.",
        [
            "Russian paratroopers have joined operations to retake Almaty airport",
            "75 planes transported its forces to Kazakhstan",
            "Tokayev appealed for help",
        ],
        id="relative-clause-with-report",
    ),
    pytest.param(
        "Putin backed the crackdown on popular protests, which resulted in sanctions from the "
        "United States.",
        [
            "Putin backed the crackdown on popular protests",
            "resulted in sanctions from the United States",
        ],
        id="non-restrictive-relative",
    ),
    pytest.param(
        "Russia has tasked an officer who led military operations in Syria with the deployment.",
        ["Russia has tasked an officer who led military operations in Syria with the deployment"],
        id="restrictive-relative-stays",
    ),
    pytest.param(
        "Chinese President Xi Jinping backed the crackdown, while the United States and the "
        "European Union called for a peaceful resolution of crisis.",
        [
            "Chinese President Xi Jinping backed the crackdown",
            "the United States and the European Union called for a peaceful resolution of crisis",
        ],
        id="contrastive-while",
    ),
    pytest.param(
        "The yields fell sharply; the central bank raised rates by 30 basis points.",
        ["The yields fell sharply", "the central bank raised rates by 30 basis points"],
        id="semicolon",
    ),
    pytest.param(
        "Neither CSTO nor the government have indicated which outside forces they blame.",
        ["Neither CSTO nor the government have indicated which outside forces they blame"],
        id="embedded-question-is-no-content",
    ),
    pytest.param(
        "The Russian-dominated alliance also includes Armenia, Belarus, Kazakhstan, "
        "Kyrgyzstan and Tajikistan.",
        [
            "The Russian-dominated alliance also includes Armenia, Belarus, Kazakhstan, "
            "Kyrgyzstan and Tajikistan"
        ],
        id="no-split-whole-sentence",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), SPLITS)
def test_split(nlp: Language, sentence: str, expected: list[str]) -> None:
    assert texts(one_sentence(nlp, sentence)) == expected


def test_gapped_conjunct_carries_subject_into_normalized(nlp: Language) -> None:
    first, second = one_sentence(
        nlp,
        "Previously, he said 18 security guards were dead and 748 injured in clashes with "
        "protesters.",
    )
    assert first.draft.normalized == "18 security guard be dead"
    assert second.draft.normalized.startswith("748 security guard injure")
    assert (first.draft.predicate, second.draft.predicate) == ("dead", "injure")
    assert second.draft.subject == "748 security guards"


def test_coordinated_verb_shares_subject(nlp: Language) -> None:
    _, second = one_sentence(
        nlp,
        "Tokayev accepted his government\u2019s resignation and fired several senior officials.",
    )
    assert second.draft.subject == "Tokayev"
    assert second.draft.predicate == "fire"
    assert second.draft.object == "several senior officials"
    assert second.draft.normalized == "tokayev fire several senior official"
    # The carried subject's entity travels with it.
    assert Entity("Tokayev", "PERSON") in second.draft.entities


def test_relative_pronoun_takes_antecedent_as_subject(nlp: Language) -> None:
    _, relative = one_sentence(
        nlp,
        "Putin backed the crackdown on popular protests, which resulted in sanctions from the "
        "United States.",
    )
    assert relative.draft.subject == "popular protests"
    assert relative.draft.normalized.startswith("popular protest result in sanction")


# --------------------------------------------------------------------------- speakers

SPEAKERS = [
    pytest.param(
        "At least 26 protesters were killed during security operations, the Interior "
        "Ministry reported on Friday.",
        [("At least 26 protesters were killed during security operations", "Interior Ministry")],
        id="clause-then-reporter",
    ),
    pytest.param(
        "More than 3,800 people have been arrested, the Interfax press service reported, "
        "citing the ministry.",
        [("More than 3,800 people have been arrested", "Interfax press service (citing ministry)")],
        id="citing-chain",
    ),
    pytest.param(
        "Tokayev said CSTO troops would only stay in Kazakhstan shortly.",
        [("CSTO troops would only stay in Kazakhstan shortly", "Tokayev")],
        id="said-that-less",
    ),
    pytest.param(
        "“Those who do not surrender will be destroyed,” President Kassym-Jomart Tokayev said "
        "in a televised address to the nation on Friday.",
        [("Those who do not surrender will be destroyed", "President Kassym-Jomart Tokayev")],
        id="quote-first",
    ),
    pytest.param(
        "The mayor told reporters that 40 buildings had collapsed.",
        [("40 buildings had collapsed", "mayor")],
        id="told-someone-that",
    ),
    pytest.param(
        "The quake, officials said, killed 200 people.",
        [("The quake, officials said, killed 200 people", "officials")],
        id="parenthetical-report",
    ),
    pytest.param(
        "Five people died and three were injured, according to police.",
        [("Five people died", "police"), ("three were injured", "police")],
        id="sentence-final-according-to",
    ),
    pytest.param(
        "Russian paratroopers have joined operations to retake Almaty airport, according to "
        "the Defense Ministry in Moscow, which said 75 planes transported its forces to "
        "Kazakhstan after Tokayev appealed for help.",
        [
            (
                "Russian paratroopers have joined operations to retake Almaty airport",
                "Defense Ministry",
            ),
            ("75 planes transported its forces to Kazakhstan", "Defense Ministry"),
            ("Tokayev appealed for help", "Defense Ministry"),
        ],
        id="according-to-and-which-said",
    ),
    pytest.param(
        "Dean Pollick won 9,210 votes, official results showed.",
        [("Dean Pollick won 9,210 votes", "official results")],
        id="evidence-shows",
    ),
    pytest.param(
        "He was told he could leave.",
        [("he could leave", None)],
        id="passive-report-names-the-listener",
    ),
    pytest.param(
        "Tokayev ordered the restoration of internet access, but warned that connections "
        "could be blocked again.",
        [
            ("Tokayev ordered the restoration of internet access", None),
            ("connections could be blocked again", "Tokayev"),
        ],
        id="coordinated-reporting-verb-shares-subject",
    ),
    pytest.param(
        "Uranium prices have skyrocketed amid unrest at the world\u2019s largest supplier of "
        "nuclear fuel, although Kazakhstan\u2019s main miner Kazatomprom has said it will meet "
        "all delivery deadlines.",
        [
            (
                "Uranium prices have skyrocketed amid unrest at the world\u2019s largest supplier "
                "of nuclear fuel",
                None,
            ),
            (
                "it will meet all delivery deadlines",
                "Kazakhstan\u2019s main miner Kazatomprom",
            ),
        ],
        id="contrastive-although-with-report",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), SPEAKERS)
def test_speaker(nlp: Language, sentence: str, expected: list[tuple[str, str | None]]) -> None:
    claims = one_sentence(nlp, sentence)
    assert [(c.draft.text, c.draft.speaker) for c in claims] == expected


def test_report_clause_is_not_in_the_claim_but_kept_as_report_tokens(nlp: Language) -> None:
    doc = nlp(
        "At least 26 protesters were killed during security operations, the Interior Ministry "
        "reported on Friday."
    )
    (claim,) = split_claims(next(iter(doc.sents)), 0)
    assert "reported" not in claim.draft.text
    assert {doc[i].text for i in claim.report_tokens} >= {"Interior", "Ministry", "Friday"}
    assert not claim.tokens & claim.report_tokens
    assert claim.draft.speaker_resolved


def test_pronoun_speaker_is_marked_unresolved(nlp: Language) -> None:
    claims = one_sentence(
        nlp,
        "Previously, he said 18 security guards were dead and 748 injured in clashes with "
        "protesters.",
    )
    assert [(c.draft.speaker, c.draft.speaker_resolved) for c in claims] == [
        ("he", False),
        ("he", False),
    ]


# --------------------------------------------------------------------------- polarity, hedging

MODALITY = [
    pytest.param("Russia denies this.", Polarity.NEGATED, False, id="deny-this"),
    pytest.param(
        "There was no sign of a disruption in the production of oil, the country\u2019s largest "
        "export.",
        Polarity.NEGATED,
        False,
        id="no-sign-of",
    ),
    pytest.param(
        "He has not been seen in public since the start of the crisis.",
        Polarity.NEGATED,
        False,
        id="not",
    ),
    pytest.param("No car has ever rocketed into space before.", Polarity.NEGATED, False, id="no"),
    pytest.param(
        "Russia denied that its troops had crossed the border.",
        Polarity.NEGATED,
        False,
        id="denied-content",
    ),
    pytest.param(
        "He rejected all calls for negotiations with the protesters.",
        Polarity.ASSERTED,
        False,
        id="reject-a-thing-not-a-claim",
    ),
    pytest.param(
        "“Those who do not surrender will be destroyed,” Tokayev said.",
        Polarity.ASSERTED,
        False,
        id="negation-inside-subject-relative",
    ),
    pytest.param("The death toll seemed set to rise.", Polarity.ASSERTED, True, id="seemed-set-to"),
    pytest.param(
        "The death toll seemed likely to climb.", Polarity.ASSERTED, True, id="seemed-likely-to"
    ),
    pytest.param(
        "The build-up could be preparation for an invasion.",
        Polarity.ASSERTED,
        True,
        id="could",
    ),
    pytest.param("Troops reportedly fired on the crowd.", Polarity.ASSERTED, True, id="reportedly"),
    pytest.param("The toll is expected to rise.", Polarity.ASSERTED, True, id="expected-to"),
    pytest.param("Officials believe the plane crashed.", Polarity.ASSERTED, True, id="believe"),
    pytest.param(
        "Officials could not confirm that the plane had crashed.",
        Polarity.ASSERTED,
        True,
        id="unconfirmed-report",
    ),
    pytest.param(
        "The ministry said 75 planes landed.", Polarity.ASSERTED, False, id="plain-report"
    ),
    pytest.param(
        "CSTO troops would only stay in Kazakhstan shortly.",
        Polarity.ASSERTED,
        False,
        id="would-is-no-hedge",
    ),
]


@pytest.mark.parametrize(("sentence", "polarity", "hedged"), MODALITY)
def test_modality(nlp: Language, sentence: str, polarity: Polarity, hedged: bool) -> None:
    (claim,) = one_sentence(nlp, sentence)
    assert (claim.draft.polarity, claim.draft.hedged) == (polarity, hedged)


def test_hedge_inside_relative_clause_with_its_own_source(nlp: Language) -> None:
    claims = one_sentence(
        nlp,
        "Kremlin to hold high-stakes security talks from Sunday with the United States as part "
        "of a Russian military build-up near the border with Ukraine which, according to "
        "American intelligence, could be preparation for an invasion.",
    )
    relative = claims[-1].draft
    assert relative.text == "could be preparation for an invasion"
    assert relative.speaker == "American intelligence"
    assert relative.hedged
    assert not claims[0].draft.hedged


@pytest.mark.parametrize(
    ("sentence", "negated", "hedged"),
    [
        pytest.param("Protesters were not killed or injured.", True, False, id="shared-not"),
        pytest.param(
            "Connections could be blocked again and disrupted for days.",
            False,
            True,
            id="shared-could",
        ),
    ],
)
def test_conjunct_shares_auxiliaries(
    nlp: Language, sentence: str, negated: bool, hedged: bool
) -> None:
    claims = one_sentence(nlp, sentence)
    assert len(claims) == 2
    for claim in claims:
        assert (claim.draft.polarity is Polarity.NEGATED, claim.draft.hedged) == (negated, hedged)


def test_seemed_set_to_predicate_is_the_embedded_verb(nlp: Language) -> None:
    (claim,) = one_sentence(nlp, "The death toll seemed set to rise.")
    assert (claim.draft.subject, claim.draft.predicate) == ("death toll", "rise")


# --------------------------------------------------------------------------- noise

NOISE = [
    pytest.param("Leave a Reply", id="leave-a-reply"),
    pytest.param("Send this to a friend", id="send-to-friend"),
    pytest.param("Leave a Reply\n\nSend this to a friend", id="furniture-glued"),
    pytest.param("Bloomberg", id="outlet-name"),
    pytest.param("By John Smith", id="byline"),
    pytest.param("ISTANBUL, Turkey (AP) --", id="dateline-alone"),
    pytest.param("“criminals, murderers,”", id="quoted-fragment"),
    pytest.param("*DEAD:", id="heading"),
    pytest.param("So who is the new candidate, and how did he win?", id="question"),
    pytest.param("date 2022-01-08 Nariman Gizitdinov / Bloomberg News (TNS)", id="seed-header"),
]


@pytest.mark.parametrize("text", NOISE)
def test_noise_gives_no_claims(nlp: Language, text: str) -> None:
    doc = nlp(text)
    for index, sent in enumerate(doc.sents):
        assert is_noise(sent)
        assert split_claims(sent, index) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Izmit 4,179 dead, 10,759 injured", id="verbless-table-row"),
        pytest.param("Russia denies this.", id="short-sentence"),
        pytest.param("By Tuesday, 40 people had died.", id="by-but-no-byline"),
    ],
)
def test_not_noise(nlp: Language, text: str) -> None:
    (sent,) = nlp(text).sents
    assert not is_noise(sent)
    assert len(split_claims(sent, 0)) == 1


def test_dateline_is_cut_from_the_evidence(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "ANKARA, March 3 (Xinhua) -- Some 12 aftershocks have shaken the region, local reports "
        "said.",
    )
    assert texts(claims) == ["Some 12 aftershocks have shaken the region"]
    assert claims[0].draft.speaker == "local reports"
    assert claims[0].draft.subject != "ANKARA"


# --------------------------------------------------------------------------- drafts


def test_draft_fields(nlp: Language) -> None:
    doc = nlp("Tokayev accepted the resignation of the government on Wednesday.")
    sent = next(iter(doc.sents))
    (claim,) = split_claims(sent, 7)
    draft = claim.draft
    assert draft.sentence_index == 7
    assert (draft.sentence_start, draft.sentence_end) == (sent.start_char, sent.end_char)
    assert draft.text == "Tokayev accepted the resignation of the government on Wednesday"
    assert draft.normalized == "tokayev accept resignation of government on wednesday"
    assert (draft.subject, draft.predicate, draft.object) == (
        "Tokayev",
        "accept",
        "resignation of the government",
    )
    # Dates and numbers are left to their own modules.
    assert draft.entities == [Entity("Tokayev", "PERSON")]
    assert draft.quantities == [] and draft.event_date is None
    wednesday = next(t.i for t in doc if t.text == "Wednesday")
    assert wednesday in claim.tokens


@pytest.mark.parametrize(
    ("cut_before_closing_quote", "expected"),
    [
        pytest.param(False, 'he was "not prepared to answer questions."', id="quote-closed"),
        pytest.param(True, 'he was "not prepared to answer questions', id="quote-in-next-sentence"),
    ],
)
def test_quote_is_balanced_only_inside_the_sentence(
    nlp: Language, cut_before_closing_quote: bool, expected: str
) -> None:
    doc = nlp('Hall said he was "not prepared to answer questions."')
    closing = max(t.i for t in doc if t.tag_ == "''")
    # The segmenter sometimes leaves a closing quote to the next sentence.
    sent = doc[0:closing] if cut_before_closing_quote else doc[:]
    (claim,) = split_claims(sent, 0)
    assert claim.draft.text == expected
    assert claim.draft.end <= sent.end_char


def seed_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(line.strip())
    return out


@pytest.fixture(scope="module")
def seed_docs(nlp: Language) -> list[Doc]:
    return [nlp(paragraph) for paragraph in seed_sentences()]


def test_offsets_and_tokens_on_every_seed_claim(seed_docs: list[Doc]) -> None:
    total = 0
    for doc in seed_docs:
        for index, sent in enumerate(doc.sents):
            for claim in split_claims(sent, index):
                total += 1
                draft = claim.draft
                assert doc.text[draft.start : draft.end] == draft.text
                assert sent.start_char <= draft.start < draft.end <= sent.end_char
                assert draft.text == draft.text.strip()
                assert all(sent.start <= i < sent.end for i in claim.tokens)
                assert all(draft.start <= doc[i].idx < draft.end for i in claim.tokens)
                assert draft.normalized and draft.normalized == draft.normalized.lower()
                assert "  " not in draft.normalized
                labels = {e.label for e in draft.entities}
                assert not labels & {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"}
    assert total > 60


def test_seed_furniture_and_source_line_give_no_claims(seed_docs: list[Doc]) -> None:
    for doc in seed_docs:
        if doc.text in {"Bloomberg", "Leave a Reply", "Send this to a friend"}:
            assert all(split_claims(s, 0) == [] for s in doc.sents)


# --------------------------------------------------------------------------- pronoun speakers


def article_drafts(nlp: Language, text: str) -> list[ClaimDraft]:
    return [c.draft for c in claims_of(nlp, text)]


def speakers(drafts: list[ClaimDraft]) -> list[tuple[str | None, bool]]:
    return [(d.speaker, d.speaker_resolved) for d in drafts]


def test_he_takes_the_previous_person_speaker(nlp: Language) -> None:
    drafts = article_drafts(
        nlp,
        "President Kassym-Jomart Tokayev said the troops would leave soon. "
        "He said 18 security guards were dead.",
    )
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts) == [
        ("President Kassym-Jomart Tokayev", True),
        ("President Kassym-Jomart Tokayev", True),
    ]


def test_it_takes_the_previous_organisation_speaker(nlp: Language) -> None:
    drafts = article_drafts(
        nlp,
        "The Interior Ministry said 26 protesters were killed. It said 18 guards were dead.",
    )
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts)[-1] == ("Interior Ministry", True)


def test_they_takes_a_group_of_people(nlp: Language) -> None:
    drafts = article_drafts(
        nlp, "Officials said 26 protesters were killed. They said 18 guards were dead."
    )
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts)[-1] == ("Officials", True)


def test_he_after_a_named_subject(nlp: Language) -> None:
    drafts = article_drafts(
        nlp,
        "President Tokayev fired several senior security officials on Wednesday. "
        "He also declared that he took over as head of the Security Council.",
    )
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts)[-1] == ("President Tokayev", True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The Interior Ministry said 26 protesters were killed. He said 18 guards were dead.",
            id="he-is-not-a-ministry",
        ),
        pytest.param(
            "Tokayev said the troops would leave. Putin met Lukashenko in Moscow. "
            "He said the talks went well.",
            id="another-person-in-between",
        ),
        pytest.param(
            "Tokayev said the troops would leave. The alliance includes Armenia. "
            "Prices rose. Markets fell. Banks closed. He said the talks went well.",
            id="too-far-back",
        ),
        pytest.param(
            "Witnesses said the troops fired. He said the talks went well.",
            id="he-is-not-a-group",
        ),
        pytest.param(
            "The source said the troops fired. He said the talks went well.",
            id="unknown-kind-speaker-blocks",
        ),
    ],
)
def test_pronoun_stays_when_ambiguous(nlp: Language, text: str) -> None:
    drafts = article_drafts(nlp, text)
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts)[-1] == ("He", False)


def test_seed_he_after_the_interior_ministry_stays_unresolved(nlp: Language) -> None:
    # The wire original says "it" (the ministry); the rewrite's "he" has no person nearby.
    path = next(SEEDS.glob("000_*.txt"))
    body = path.read_text(encoding="utf-8").split("\n", 1)[1]
    drafts = article_drafts(nlp, body)
    resolve_pronoun_speakers(drafts)
    guards = [d for d in drafts if d.text.startswith("18 security guards")]
    assert [(d.speaker, d.speaker_resolved) for d in guards] == [("he", False)]
    continuing = [d for d in drafts if d.text.startswith("operations were continuing")]
    assert continuing[0].speaker == "President Kassym-Jomart Tokayev"


def test_resolution_on_hand_built_drafts() -> None:
    def draft(index: int, speaker: str | None, subject: str | None = None) -> ClaimDraft:
        return ClaimDraft(
            sentence_index=index,
            start=0,
            end=1,
            sentence_start=0,
            sentence_end=1,
            text="x",
            normalized="x",
            subject=subject,
            speaker=speaker,
            speaker_resolved=speaker is None or speaker.lower() not in {"he", "she", "they", "it"},
        )

    drafts = [
        draft(0, "Defense Ministry"),
        draft(1, "Foreign Minister Sergei Lavrov"),
        draft(2, "she"),
        draft(2, "she"),
        draft(3, "they"),
    ]
    resolve_pronoun_speakers(drafts)
    assert speakers(drafts) == [
        ("Defense Ministry", True),
        ("Foreign Minister Sergei Lavrov", True),
        ("Foreign Minister Sergei Lavrov", True),
        ("Foreign Minister Sergei Lavrov", True),
        ("Defense Ministry", True),
    ]
