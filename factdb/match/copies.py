"""Finding articles that are copies or rewrites of one another.

Two articles are copies when most of the shorter one's content-word pairs (consecutive words
once stop words are dropped: "security forces", "forces shoot", "shoot protesters") also occur
in the other. Word pairs survive what syndication and machine rewriting do to a story — a cut
tail, "the US" for "the United States", "display of power" for "show of power" — far better
than exact sentences, while two outlets reporting the same event in their own words share few
of them. The score is containment (shared pairs / pairs of the shorter text), not Jaccard, so a
web copy cut short still scores high against the full story.

Candidates come from an index, never from a scan of every article: each article stores the
hashes of its word pairs whose hash is divisible by `SAMPLE_MODULUS` (``article_shingle``),
with its stated publication date, and only articles published at most
`factdb.store.writes.MAX_DAYS_APART` days apart (or undated) are compared: a syndicated copy runs
within days of its original.
The sample is consistent — the same pair is kept in every article that has it — so a copy
shares about a quarter of its common pairs' hashes with the original, and an unrelated article
almost none. Only articles sharing at least `MIN_SHARED_SAMPLES` sampled hashes are compared in
full.

Which one is the original: an article that came through a distributor (``TNS``) is the copy of
one that did not; otherwise the earlier stated publication date is the original's; a tie is
broken by content hash, so the answer never depends on ingest order. An article with no stated
publication date takes the earliest stated date of its copies as an inferred date
(``article.published_inferred``), shown as inferred and never used by the conflict rules.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from factdb.nlp.stop_words import stop_words
from factdb.store import models
from factdb.store.writes import insert_ignoring_duplicates, utcnow, within_window

SAMPLE_MODULUS = 4
MIN_SHARED_SAMPLES = 3
# Share of the shorter text's word pairs found in the other one. The two seed copies score
# about 0.7 and a wire story republished by another outlet over 0.9; independent reports of one
# event stay below 0.3. Between them lie a wire service's follow-ups of consecutive days (the
# second day's trial story repeats the first day's background paragraphs, about 0.55): each
# reports news of its own, so neither is a copy of the other, and the bar stands above them.
COPY_THRESHOLD = 0.6
# Fewer shared pairs than this is too little text to call anything a copy.
MIN_SHARED_PAIRS = 20

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def content_words(text: str) -> list[str]:
    """The lower-cased words of `text` without stop words, in order."""
    words = (w.replace("’", "'") for w in _WORD.findall(text.lower()))
    stop = stop_words()
    return [w for w in words if w not in stop]


@lru_cache(maxsize=256)
def word_pairs(text: str) -> frozenset[str]:
    """Consecutive content-word pairs of `text` ("security forces", "forces shoot", …).

    Cached by text: a stored article is compared with each of its later copies."""
    words = content_words(text)
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))


def pair_hash(pair: str) -> int:
    """A stable signed 64-bit hash of a word pair (the same in every process and database)."""
    return int.from_bytes(hashlib.blake2b(pair.encode(), digest_size=8).digest(), signed=True)


def sampled_hashes(pairs: frozenset[str]) -> set[int]:
    """The consistent sample of `pairs` that the ``article_shingle`` index holds."""
    return {h for h in map(pair_hash, pairs) if h % SAMPLE_MODULUS == 0}


@dataclass(frozen=True)
class CopyLink:
    """One detected copy: `copy_id` copies `original_id` with this containment `score`."""

    original_id: int
    copy_id: int
    score: float
    reason: str


@dataclass(frozen=True)
class _Article:
    id: int
    distributor: str | None
    published: date | None
    content_hash: str

    def originality(self) -> tuple[int, date, str]:
        """Sort key: the most original article first (see the module docstring)."""
        return (self.distributor is not None, self.published or date.max, self.content_hash)


def _why_original(original: _Article, copy: _Article) -> str:
    if copy.distributor is not None and original.distributor is None:
        return f"the copy came through a distributor ({copy.distributor})"
    if original.published != copy.published and original.published is not None:
        return f"the original was published first ({original.published.isoformat()})"
    return "neither was distributed nor published first; the content hash decides"


def _containment(pairs: frozenset[str], other: frozenset[str]) -> tuple[int, float]:
    shared = len(pairs & other)
    return shared, shared / max(1, min(len(pairs), len(other)))


def detect_copies(session: Session, article_id: int) -> list[CopyLink]:
    """Index a newly stored article's word pairs and link it to the articles it copies.

    Runs inside the caller's per-article transaction. Returns the links it found (pairs
    already linked are left as they are).
    """
    article = session.get(models.Article, article_id)
    if article is None:
        raise LookupError(f"article {article_id} does not exist")
    pairs = word_pairs(article.text)
    samples = sampled_hashes(pairs)
    insert_ignoring_duplicates(
        session,
        models.ArticleShingle,
        [
            {"hash": h, "article_id": article_id, "published": article.published}
            for h in sorted(samples)
        ],
        ["hash", "article_id"],
    )
    if not samples:
        return []
    shingle = models.ArticleShingle
    candidate_ids = [
        other
        for condition in within_window(col(shingle.published), article.published)
        for other in session.execute(
            select(col(shingle.article_id))
            .where(col(shingle.hash).in_(samples), condition, col(shingle.article_id) != article_id)
            .group_by(col(shingle.article_id))
            .having(func.count() >= MIN_SHARED_SAMPLES)
        ).scalars()
    ]
    if not candidate_ids:
        return []
    new = _Article(article_id, article.distributor, article.published, article.content_hash)
    links: list[CopyLink] = []
    for other_row in session.execute(
        select(models.Article).where(col(models.Article.id).in_(candidate_ids))
    ).scalars():
        assert other_row.id is not None
        shared, score = _containment(pairs, word_pairs(other_row.text))
        if score < COPY_THRESHOLD or shared < MIN_SHARED_PAIRS:
            continue
        other = _Article(
            other_row.id, other_row.distributor, other_row.published, other_row.content_hash
        )
        original, copy = sorted((new, other), key=_Article.originality)
        links.append(
            CopyLink(
                original_id=original.id,
                copy_id=copy.id,
                score=round(score, 3),
                reason=(
                    f"{shared} content-word pairs in common, {score:.0%} of the shorter text's; "
                    f"{_why_original(original, copy)}"
                ),
            )
        )
    now = utcnow()
    insert_ignoring_duplicates(
        session,
        models.ArticleCopy,
        [
            {
                "original_id": link.original_id,
                "copy_id": link.copy_id,
                "score": link.score,
                "reason": link.reason,
                "created_at": now,
            }
            for link in links
        ],
        ["original_id", "copy_id"],
    )
    for linked in {article_id, *(i for link in links for i in (link.original_id, link.copy_id))}:
        _infer_publication_date(session, linked)
    return links


def copy_partners(session: Session, article_ids: set[int]) -> set[frozenset[int]]:
    """The copy-linked pairs among and around `article_ids` (each pair as a frozenset)."""
    if not article_ids:
        return set()
    copy = models.ArticleCopy
    rows = session.execute(
        select(col(copy.original_id), col(copy.copy_id)).where(
            or_(col(copy.original_id).in_(article_ids), col(copy.copy_id).in_(article_ids))
        )
    )
    return {frozenset((int(a), int(b))) for a, b in rows}


def _infer_publication_date(session: Session, article_id: int) -> None:
    """Give an undated article the earliest stated publication date of its copies.

    Only stated dates count (never another inferred one), so the result is the same whatever
    order the copies arrived in.
    """
    article = session.get(models.Article, article_id)
    if article is None or article.published is not None:
        return
    copy = models.ArticleCopy
    partner = models.Article
    earliest = session.execute(
        select(func.min(partner.published)).where(
            col(partner.published).is_not(None),
            or_(
                col(partner.id).in_(
                    select(col(copy.original_id)).where(col(copy.copy_id) == article_id)
                ),
                col(partner.id).in_(
                    select(col(copy.copy_id)).where(col(copy.original_id) == article_id)
                ),
            ),
        )
    ).scalar_one_or_none()
    if earliest != article.published_inferred:
        article.published_inferred = earliest
        session.add(article)
