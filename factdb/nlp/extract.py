"""From a parsed article to its atomic claims, each with its quantities, event date, entities.

This module only assembles: `factdb.nlp.claims` splits sentences into claims,
`factdb.nlp.quantities` and `factdb.nlp.dates` find numbers and dates in the same sentence, and
each quantity or date goes to the claim whose tokens hold it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from multiprocessing import get_context
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Token

from factdb.nlp.claims import ClaimSpan, is_noise, resolve_pronoun_speakers, split_claims
from factdb.nlp.dates import day_of, extract_temporal
from factdb.nlp.pipeline import load_nlp, model_name
from factdb.nlp.quantities import extract_quantities
from factdb.nlp.types import ClaimDraft, DateMention, TimeMention

# Dependency labels a date phrase climbs through on its way to the word it modifies.
_DATE_ATTACHMENT = {
    "pobj",
    "prep",
    "npadvmod",
    "compound",
    "nummod",
    "amod",
    "appos",
    "advmod",
    "dobj",
    "attr",
}


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


def _claim_root(doc: Doc, claim: ClaimSpan) -> Token:
    """The claim's main word: its first token whose head lies outside the claim."""
    for index in sorted(claim.tokens):
        token = doc[index]
        if token.head.i == token.i or token.head.i not in claim.tokens:
            return token
    return doc[min(claim.tokens)]


def _dates_the_claim(doc: Doc, mention: DateMention, claim: ClaimSpan) -> bool:
    """True when the date tells when the claim's own event happened.

    It must attach to the claim's main verb: "fired several officials on Wednesday" dates the
    firing, but in "hundreds injured in … the most serious challenge Kazakhstan's rulers have
    faced since independence in 1991" the year dates the facing, another clause, and in
    "ceded the presidency … in 2019" it dates the ceding.
    """
    token: Token = doc[mention.token_start : mention.token_end].root
    while token.dep_ in _DATE_ATTACHMENT and token.head.i != token.i:
        via = token.dep_
        token = token.head
        # An event noun that the verb acts on takes its time through a preposition ("hold
        # talks from Sunday"); a date that only names the thing ("the 1991 treaty",
        # "independence in 1991") does not date the claim.
        event_noun = via in {"pobj", "prep"} and token.dep_ in {"dobj", "attr"}
        if token.pos_ in {"NOUN", "PROPN"} and token.dep_ != "npadvmod" and not event_noun:
            return False
        if token.pos_ in {"VERB", "AUX"}:
            break
    while token.dep_ in {"xcomp", "aux", "auxpass"} and token.head.i != token.i:
        token = token.head  # "will hold talks from Sunday", "seemed set to rise on Monday"
    if any(q.predicate == token.lemma_.lower() for q in claim.draft.quantities):
        return True  # "…fell after surging more than 30 basis points on Wednesday"
    if token.i != _claim_root(doc, claim).i:
        return False
    # The splitter repairs misparses the root does not show: in "hundreds injured … rulers
    # have faced since independence in 1991" the parser makes "faced" the root, but the
    # claim's predicate is "injure".
    predicate = claim.draft.predicate
    return predicate is None or token.lemma_.lower() == predicate.split()[0].lower()


# How a date names the time of a thing: "the 1939 quake", "the quake of Aug. 17", "the quake
# in 1939".
_DATE_OF_THING = {"nummod", "compound", "amod", "pobj", "prep", "npadvmod", "appos"}
# Past tense and past participle ("which killed", "which was felt").
_PAST = {"VBD", "VBN"}


def _date_of_the_event_named(
    doc: Doc, mentions: Sequence[DateMention], claim: ClaimSpan
) -> DateMention | None:
    """The date of the event a claim's verb describes without dating it itself.

    In "a quake in 1939, which killed 20,000 people" and "the 1939 quake, which killed 33,000"
    the relative clause is about the 1939 quake, so the killing was in 1939; in "a 1999
    earthquake in Izmit killed 17,000" the subject dates the killing. Only a verb in the past
    tense is dated so: "the 1997 treaty, which bans such weapons" bans them now. Without this,
    a historical toll reads as today's.
    """
    root = _claim_root(doc, claim)
    if root.tag_ not in _PAST:
        return None  # "the 1997 treaty, which bans such weapons" bans them now
    if root.dep_ == "relcl":
        thing: Token | None = root.head
    else:
        thing = next((t for t in root.children if t.dep_ in {"nsubj", "nsubjpass"}), None)
    if thing is None:
        return None
    for mention in mentions:
        if mention.token_start <= thing.i < mention.token_end:
            return mention  # the clause hangs on the date itself: "in 1939, which killed"
        token: Token = doc[mention.token_start : mention.token_end].root
        while token.dep_ in _DATE_OF_THING and token.head.i != token.i:
            token = token.head
            if token.i == thing.i:
                return mention
    return None


def extract_claims(doc: Doc, published: date | None) -> list[ClaimDraft]:
    """Every atomic claim of an article, in text order, with speakers resolved where possible.

    A claim's event date is a date attached to its own verb, else the date of the event it
    describes (`_date_of_the_event_named`). A date outside every claim's tokens belongs to the
    reporting clause ("…, the Interior Ministry reported on Friday"): it becomes the event date
    of the sentence's claims that still have none, since the reported event happened by then.

    A claim's `times` are every time expression in its evidence (`_claim_times`).
    """
    drafts: list[ClaimDraft] = []
    anchor: date | None = None  # the last day named so far: dates "at 1:19 a.m." below it
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
        mentions, times = extract_temporal(sent, published, anchor)
        anchor = next((d for d in map(day_of, reversed(times)) if d is not None), anchor)
        for mention in mentions:
            holder = next((c for c in claims if mention.token_start in c.tokens), None)
            if holder is None:
                reporting_dates.append(mention)
            elif holder.draft.event_date is None and _dates_the_claim(doc, mention, holder):
                holder.draft.event_date = mention
        for claim in claims:
            if claim.draft.event_date is None:
                claim.draft.event_date = _date_of_the_event_named(doc, mentions, claim)
            if claim.draft.event_date is None and reporting_dates:
                claim.draft.event_date = reporting_dates[0]
            claim.draft.times = _claim_times(claim, times)
            drafts.append(claim.draft)
    resolve_pronoun_speakers(drafts)
    return drafts


def _claim_times(claim: ClaimSpan, times: Sequence[TimeMention]) -> list[TimeMention]:
    """The times whose first token lies in the claim, plus the one its event date came from
    when that lies outside it ("…, the ministry reported on Friday")."""
    event = claim.draft.event_date
    return [
        time
        for time in times
        if time.token_start in claim.tokens
        or (event is not None and time.start <= event.start and event.end <= time.end)
    ]


class ArticleText(NamedTuple):
    """What extraction needs of an article: its body, publication date and headline."""

    text: str
    published: date | None
    title: str | None = None


def headline_claims(doc: Doc, published: date | None) -> list[ClaimDraft]:
    """Claims of a headline, marked as such; their offsets point into the title.

    Headlines are terse ("Kazakh leader orders protesters shot") and stored as article
    metadata, so their claims are kept apart from the body's (sentence index -1).
    """
    return [
        replace(claim, is_headline=True, sentence_index=-1)
        for claim in extract_claims(doc, published)
    ]


def extract_batch(nlp: Language, articles: Sequence[ArticleText]) -> list[list[ClaimDraft]]:
    """Each article's headline and body claims, all parsed in one `nlp.pipe` pass."""
    texts = [a.text for a in articles] + [a.title for a in articles if a.title]
    docs = iter(nlp.pipe(texts, batch_size=max(len(texts), 1)))
    bodies = [next(docs) for _ in articles]
    results: list[list[ClaimDraft]] = []
    for article, body in zip(articles, bodies, strict=True):
        title = headline_claims(next(docs), article.published) if article.title else []
        results.append(title + extract_claims(body, article.published))
    return results


def _worker_extract(model: str, articles: Sequence[ArticleText]) -> list[list[ClaimDraft]]:
    """Runs in a worker process: its own pipeline (loaded once per process by load_nlp)."""
    return extract_batch(load_nlp(model), articles)


class ParallelExtractor:
    """Parses and extracts batches in worker processes; the caller stores the results.

    Claims are plain dataclasses, so workers send back a few kilobytes per article instead of
    whole spaCy docs, and both parsing and extraction use every core. Batches come back in the
    order they were submitted. Workers are started with "spawn": the parent may hold database
    connections and threads (progress bar) that must not be forked.
    """

    def __init__(self, workers: int, model: str | None = None) -> None:
        self._model = model or model_name()
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        self._pending: deque[Future[list[list[ClaimDraft]]]] = deque()
        self.workers = workers

    def submit(self, articles: Sequence[ArticleText]) -> None:
        """Queue a batch for extraction."""
        self._pending.append(self._pool.submit(_worker_extract, self._model, list(articles)))

    def next_result(self) -> list[list[ClaimDraft]]:
        """The claims of the oldest submitted batch, waiting for it if needed."""
        return self._pending.popleft().result()

    @property
    def pending(self) -> int:
        """How many submitted batches have not been collected yet."""
        return len(self._pending)

    def close(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
