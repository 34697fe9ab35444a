"""From a parsed article to its atomic claims, each with its quantities, event date, entities.

This module only assembles: `factdb.nlp.claims` splits sentences into claims,
`factdb.nlp.quantities` and `factdb.nlp.dates` find numbers and dates in the same sentence, and
each quantity or date goes to the claim whose tokens hold it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date
from multiprocessing import get_context
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Token

from factdb.nlp.claims import ClaimSpan, is_noise, resolve_pronoun_speakers, split_claims
from factdb.nlp.coreference import Coreference
from factdb.nlp.dates import day_of, extract_temporal
from factdb.nlp.deadline import TimeLimitExceeded, time_limit
from factdb.nlp.figures import split_figures
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


def _doc_claims(doc: Doc, published: date | None) -> tuple[list[ClaimDraft], int]:
    """The claims of one parsed text, before pronoun speakers are resolved, and how many
    sentences it has. A claim's `times` are every time expression in its evidence
    (`_claim_times`)."""
    drafts: list[ClaimDraft] = []
    sentences = 0
    coreference = Coreference(doc)
    anchor: date | None = None  # the last day named so far: dates "at 1:19 a.m." below it
    for sentence_index, sent in enumerate(doc.sents):
        sentences = sentence_index + 1
        if is_noise(sent):
            continue
        claims = [
            claim for claim in split_claims(sent, sentence_index, coreference) if claim.tokens
        ]
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
            drafts.extend(split_figures(doc, claim.draft, coreference))
    return drafts, sentences


def extract_claims(doc: Doc, published: date | None) -> list[ClaimDraft]:
    """Every atomic claim of an article, in text order, with speakers resolved where possible.

    A claim's event date is a date attached to its own verb, else the date of the event it
    describes (`_date_of_the_event_named`). A date outside every claim's tokens belongs to the
    reporting clause ("…, the Interior Ministry reported on Friday"): it becomes the event date
    of the sentence's claims that still have none, since the reported event happened by then.
    """
    drafts, _sentences = _doc_claims(doc, published)
    resolve_pronoun_speakers(drafts)
    return drafts


# An article longer than this is parsed in pieces of at most this many characters, cut at
# paragraph breaks (else line breaks, sentence ends, spaces). Typical news articles fit in one
# piece, so they parse exactly as a whole; a long one costs time and memory in proportion to
# its length. The whole text in one Doc did not: spaCy's ``Span.ents`` (asked once per
# sentence and claim) walks every entity of the document, so a 300 KB article took minutes.
CHUNK_CHARS = 10_000
# Pieces parsed together by `nlp.pipe`: enough for batching, few enough to keep memory flat.
CHUNK_BATCH = 4
_SEPARATORS = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs
    re.compile(r"\n\s*"),  # lines
    re.compile(r"[.!?;:][\"'”’)\]]*\s+"),  # sentences
    re.compile(r"\s+"),  # words
)


def _pieces(text: str, start: int, end: int, level: int, limit: int) -> Iterator[tuple[int, int]]:
    if end - start <= limit:
        yield start, end
        return
    if level == len(_SEPARATORS):  # one word longer than the limit: cut it
        for at in range(start, end, limit):
            yield at, min(at + limit, end)
        return
    cuts = [m.end() for m in _SEPARATORS[level].finditer(text, start, end) if m.end() < end]
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end], strict=True):
        if piece_end > piece_start:
            yield from _pieces(text, piece_start, piece_end, level + 1, limit)


def text_chunks(text: str, limit: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the pieces `text` is parsed in: consecutive paragraphs
    grouped up to `limit` characters, a longer paragraph cut at its line breaks, sentence
    ends or spaces. The pieces cover the text in order; a text up to `limit` (default
    `CHUNK_CHARS`) is one piece.
    """
    limit = limit or CHUNK_CHARS
    chunks: list[tuple[int, int]] = []
    chunk_start: int | None = None
    chunk_end = 0
    for start, end in _pieces(text, 0, len(text), 0, limit):
        if chunk_start is not None and end - chunk_start > limit:
            chunks.append((chunk_start, chunk_end))
            chunk_start = None
        if chunk_start is None:
            chunk_start = start
        chunk_end = end
    if chunk_start is not None:
        chunks.append((chunk_start, chunk_end))
    return chunks


def _shift_date(mention: DateMention | None, chars: int, tokens: int) -> DateMention | None:
    if mention is None:
        return None
    return replace(
        mention,
        start=mention.start + chars,
        end=mention.end + chars,
        token_start=mention.token_start + tokens,
        token_end=mention.token_end + tokens,
    )


def _shift(draft: ClaimDraft, chars: int, tokens: int, sentences: int) -> ClaimDraft:
    """A claim of a piece, with offsets and indices made relative to the whole text."""
    if not (chars or tokens or sentences):
        return draft
    return replace(
        draft,
        sentence_index=draft.sentence_index + sentences,
        start=draft.start + chars,
        end=draft.end + chars,
        sentence_start=draft.sentence_start + chars,
        sentence_end=draft.sentence_end + chars,
        event_date=_shift_date(draft.event_date, chars, tokens),
        quantities=[
            replace(
                q,
                start=q.start + chars,
                end=q.end + chars,
                token_start=q.token_start + tokens,
                token_end=q.token_end + tokens,
            )
            for q in draft.quantities
        ],
        times=[replace(t, start=t.start + chars, end=t.end + chars) for t in draft.times],
    )


def extract_text(nlp: Language, text: str, published: date | None) -> list[ClaimDraft]:
    """Every claim of `text` (same result as `extract_claims(nlp(text), …)` for a text of one
    piece), parsing a long text piece by piece (`text_chunks`) with offsets mapped back."""
    spans = [(s, e) for s, e in text_chunks(text) if text[s:e].strip()]
    drafts: list[ClaimDraft] = []
    sentences = tokens = 0
    docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=CHUNK_BATCH)
    for (start, _end), doc in zip(spans, docs, strict=True):
        found, count = _doc_claims(doc, published)
        drafts.extend(_shift(draft, start, tokens, sentences) for draft in found)
        sentences += count
        tokens += len(doc)
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


def extract_article(nlp: Language, article: ArticleText) -> list[ClaimDraft]:
    """An article's headline claims (marked as such, offsets into the title) and body claims."""
    title: list[ClaimDraft] = []
    if article.title:
        title = [
            replace(claim, is_headline=True, sentence_index=-1)
            for claim in extract_text(nlp, article.title, article.published)
        ]
    return title + extract_text(nlp, article.text, article.published)


@dataclass(frozen=True)
class ExtractionFailed:
    """Why one article's claims could not be extracted; the article is rejected, not the run."""

    message: str


Extracted = list[ClaimDraft] | ExtractionFailed


def extract_one(nlp: Language, article: ArticleText, timeout: float | None = None) -> Extracted:
    """`extract_article`, with any failure of this one article turned into `ExtractionFailed`.

    A bug met by one odd text, or a text slower than `timeout` seconds, must cost that text
    only; the message says which and what to do.
    """
    try:
        with time_limit(timeout):
            return extract_article(nlp, article)
    except TimeLimitExceeded as exc:
        return ExtractionFailed(
            f"parsing it took longer than the --article-timeout of {exc.seconds:g} s; "
            "split the article or raise the limit"
        )
    except MemoryError:
        return ExtractionFailed("ran out of memory while parsing it; split the article")
    except Exception as exc:  # a bug in extraction: reject this article, keep the run going
        return ExtractionFailed(
            f"claim extraction failed ({type(exc).__name__}: {exc}); this is a factdb bug, "
            "please report it with the file"
        )


def extract_batch(
    nlp: Language, articles: Sequence[ArticleText], timeout: float | None = None
) -> list[Extracted]:
    """Each article's headline and body claims, or why that one article failed."""
    return [extract_one(nlp, article, timeout) for article in articles]


def _worker_extract(
    model: str, articles: Sequence[ArticleText], timeout: float | None
) -> list[Extracted]:
    """Runs in a worker process: its own pipeline (loaded once per process by load_nlp)."""
    return extract_batch(load_nlp(model), articles, timeout)


class ParallelExtractor:
    """Parses and extracts batches in worker processes; the caller stores the results.

    Claims are plain dataclasses, so workers send back a few kilobytes per article instead of
    whole spaCy docs, and both parsing and extraction use every core. Batches come back in the
    order they were submitted. Workers are started with "spawn": the parent may hold database
    connections and threads (progress bar) that must not be forked.

    A worker that dies (killed, out of memory) breaks the pool: the batch it held comes back
    as failed articles, and the batches still pending are parsed again by a fresh pool.
    """

    def __init__(self, workers: int, model: str | None = None, timeout: float | None = None):
        self._model = model or model_name()
        self._timeout = timeout
        self.workers = workers
        self._pool = self._new_pool()
        self._pending: deque[tuple[list[ArticleText], Future[list[Extracted]]]] = deque()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))

    def _submit(self, articles: list[ArticleText]) -> Future[list[Extracted]]:
        return self._pool.submit(_worker_extract, self._model, articles, self._timeout)

    def submit(self, articles: Sequence[ArticleText]) -> None:
        """Queue a batch for extraction."""
        batch = list(articles)
        self._pending.append((batch, self._submit(batch)))

    def next_result(self) -> list[Extracted]:
        """The claims of the oldest submitted batch, waiting for it if needed."""
        batch, future = self._pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            self._restart()
            failed = ExtractionFailed(
                "the worker process parsing it (or another article of its batch) died, "
                "perhaps out of memory; ingest it again on its own to find out"
            )
            return [failed for _ in batch]

    def _restart(self) -> None:
        """A fresh pool, and the pending batches submitted to it again."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self._pending = deque((batch, self._submit(batch)) for batch, _ in self._pending)

    @property
    def pending(self) -> int:
        """How many submitted batches have not been collected yet."""
        return len(self._pending)

    def close(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
