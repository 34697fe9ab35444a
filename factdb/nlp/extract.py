"""From a parsed article to its atomic claims, each with its quantities, event date, entities.

This module only assembles: `factdb.nlp.claims` splits sentences into claims,
`factdb.nlp.quantities` and `factdb.nlp.dates` find numbers and dates in the same sentence, and
each quantity or date goes to the claim whose tokens hold it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc

from factdb.nlp.claims import ClaimSpan, is_noise, resolve_pronoun_speakers, split_claims
from factdb.nlp.dates import extract_dates
from factdb.nlp.quantities import extract_quantities
from factdb.nlp.types import ClaimDraft


def _owner(claims: Sequence[ClaimSpan], token_start: int, token_end: int) -> ClaimSpan | None:
    """The claim holding a token range: the one containing its first token, else the nearest."""
    for claim in claims:
        if token_start in claim.tokens:
            return claim
    if not claims:
        return None

    def distance(claim: ClaimSpan) -> int:
        return min(min(abs(t - token_start), abs(t - (token_end - 1))) for t in claim.tokens)

    return min(claims, key=distance)


def extract_claims(doc: Doc, published: date | None) -> list[ClaimDraft]:
    """Every atomic claim of an article, in text order, with speakers resolved where possible.

    A date outside every claim's tokens belongs to the reporting clause ("…, the Interior
    Ministry reported on Friday"): it becomes the event date of the sentence's claims that have
    none of their own, since the reported event happened by then.
    """
    drafts: list[ClaimDraft] = []
    for sentence_index, sent in enumerate(doc.sents):
        if is_noise(sent):
            continue
        claims = [claim for claim in split_claims(sent, sentence_index) if claim.tokens]
        if not claims:
            continue
        for quantity in extract_quantities(sent):
            owner = _owner(claims, quantity.token_start, quantity.token_end)
            if owner is not None:
                owner.draft.quantities.append(quantity)
        reporting_dates = []
        for mention in extract_dates(sent, published):
            holder = next((c for c in claims if mention.token_start in c.tokens), None)
            if holder is None:
                reporting_dates.append(mention)
            elif holder.draft.event_date is None:
                holder.draft.event_date = mention
        for claim in claims:
            if claim.draft.event_date is None and reporting_dates:
                claim.draft.event_date = reporting_dates[0]
            drafts.append(claim.draft)
    resolve_pronoun_speakers(drafts)
    return drafts
