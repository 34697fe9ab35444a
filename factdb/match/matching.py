"""Grouping the claims of different articles that state the same fact.

Each new article goes into a story (`factdb.match.stories`); each of its claims then goes into the
fact of its **slot** within that story (`factdb.match.slots`): a number by what exactly it
measures (outcome or thing, unit dimension, scope), a claim without numbers by its predicate
and arguments. A fact *is* a slot's set of reports (unique per story and slot), so facts never
chain through weak links, never cross stories, and come out the same whatever order the
articles arrive in. A claim with no slot is a fact of its own.

Which slot a claim fills is `factdb.match.slotting.claim_slot`.

A new report is compared (for conflicts, `factdb.match.conflicts`) with the reports of its fact
nearest in publication date, `NEAREST_REPORTS` on either side, read from an index range, so
the cost of one article does not grow with the archive or with the story.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, bindparam, delete, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from factdb.match.anchoring import (
    Anchor,
    StoredReport,
    choose_anchor,
    choose_paraphrase,
    measured_dimension_of,
    story_figures,
)
from factdb.match.copies import copy_partners
from factdb.match.features import (
    ClaimFeatures,
    QuantityFeatures,
    claim_features,
    content_lemmas,
)
from factdb.match.lexicon import lexicon
from factdb.match.slots import (
    Slot,
)
from factdb.match.slotting import claim_slot
from factdb.match.stories import (
    Home,
    StoryAssignment,
    assign_story,
    choose_salient,
    drop_stories,
    story_home,
)
from factdb.nlp.synonyms import Synonyms
from factdb.store import models
from factdb.store.driver import Reader
from factdb.store.writes import (
    insert_ignoring_duplicates,
    insert_returning_ids,
    nearest_in_time,
    utcnow,
)

NEAREST_REPORTS = 40
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]")


def load_claim_features(
    session: Session, claim_ids: Iterable[int], synonyms: Synonyms
) -> dict[int, ClaimFeatures]:
    """`claim_features` read through the session's own connection and transaction (what it
    holds but has not written yet is flushed first)."""
    session.flush()
    connection = session.connection()
    driver = connection.connection.driver_connection
    return claim_features(
        Reader(driver, connection.dialect.name, "", lambda: None), claim_ids, synonyms
    )


# --- slots --------------------------------------------------------------------------------


# --- matching a new article ---------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Two claims of one fact (one slot of one story), with the numbers that fill the slot."""

    a: ClaimFeatures
    b: ClaimFeatures
    score: float
    reason: str
    quantity_pairs: tuple[tuple[QuantityFeatures, QuantityFeatures], ...]
    slot: Slot | None = None
    # False when the two reports fill one fact under two slots (one joined it by its figure,
    # `factdb.match.anchoring`): the figure says they are one measure when they agree, but
    # when they differ nothing says so, and a disagreement is not flagged.
    worded_alike: bool = True

    @property
    def cumulative(self) -> bool:
        """The slot counts something that only grows as reports come in (the dead, the
        affected, or workers killed when the slot is named by its noun): a later, larger figure
        is an update, not a disagreement."""
        if self.slot is None:
            return False
        growing = lexicon().cumulative_predicates
        if self.slot.measure.split("|")[-1] in growing:
            return True
        return bool(self.quantity_pairs) and all(
            qa.predicate in growing and qa.predicate == qb.predicate
            for qa, qb in self.quantity_pairs
        )


@dataclass(frozen=True)
class MatchResult:
    """What matching one article found: its links and which article pairs are copies."""

    article_id: int
    links: list[Link]
    copies: set[frozenset[int]]

    def are_copies(self, link: Link) -> bool:
        """True when the two claims' articles are linked as copies of each other."""
        return frozenset((link.a.article_id, link.b.article_id)) in self.copies


def article_entity_rows(
    mentions: Iterable[tuple[int, str, str, bool]],
) -> list[dict[str, object]]:
    """``article_entity`` rows (without `published`) from an article's entity mentions, each
    (article id, name, spaCy label, whether in the headline): one row per normalised name."""
    lex = lexicon()
    rows: dict[tuple[int, str], dict[str, object]] = {}
    for article_id, name, label, headline in mentions:
        key = lex.entity_key(name)
        row = rows.setdefault(
            (article_id, key),
            {"article_id": article_id, "key": key, "place": False, "headline_place": False},
        )
        if label in lex.location_labels:
            row["place"] = True
            row["headline_place"] = bool(row["headline_place"]) or bool(headline)
    return [rows[k] for k in sorted(rows)]


_WORD = re.compile(r"\w+")


class _Words:
    """Where each word of an article starts, so that finding a name costs the occurrences of
    its first word instead of a scan of the whole text. A long article names hundreds of
    entities; one regular-expression scan each made indexing them quadratic in its length
    (9.8 s of a 100 KB article's ingest, most of a 1 MB one's)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: dict[str, list[int]] = defaultdict(list)
        for word in _WORD.finditer(text):
            self.starts[word.group()].append(word.start())

    def common_word(self, name: str) -> bool:
        """Whether a one-word "name" is a capitalised common word that the article also
        writes in lower case ("Plane lands at JFK" beside "received from plane"): not what it
        is about."""
        lower = name.lower()
        if " " in name or lower == name:
            return False
        if _WORD.fullmatch(lower):
            return lower in self.starts
        return re.search(rf"(?<!\w){re.escape(lower)}(?!\w)", self.text) is not None

    def count(self, name: str) -> int:
        """How often `name` stands in the text as whole words: what
        ``len(re.findall(rf"\b{re.escape(name)}\b", text))`` counts, found from the
        places its first word stands (a name that starts or ends with punctuation, whose
        ``\b`` means something else, is counted by that expression itself)."""
        first = _WORD.match(name)
        if first is None or _WORD.fullmatch(name[-1]) is None:
            return len(re.findall(rf"\b{re.escape(name)}\b", self.text))
        found, end, size = 0, -1, len(self.text)
        for start in self.starts.get(first.group(), ()):
            stop = start + len(name)
            if start < end or not self.text.startswith(name, start):
                continue
            if stop == size or _WORD.match(self.text[stop]) is None:
                found, end = found + 1, stop
        return found


def _index_article_entities(session: Session, article: models.Article) -> None:
    """Store the names a new article mentions (``article_entity``), with how often it names
    each and which the article is about (`factdb.match.stories.choose_salient`).

    A name counts wherever its words stand in the title or the text, not only where the
    entity recogniser saw it: the small model tags "Marisol" once as a place and misses it
    three times."""
    mentions = session.execute(
        select(
            col(models.Claim.article_id),
            col(models.Claim.sentence_index),
            col(models.Entity.name),
            col(models.Entity.label),
            col(models.Claim.is_headline),
        )
        .join(models.ClaimEntity, col(models.ClaimEntity.entity_id) == models.Entity.id)
        .join(models.Claim, col(models.Claim.id) == models.ClaimEntity.claim_id)
        .where(col(models.Claim.article_id) == article.id)
        .distinct()
    ).all()
    lex = lexicon()
    sentences: dict[str, set[tuple[bool, int]]] = defaultdict(set)
    labels: dict[str, str] = {}
    names: dict[str, set[str]] = defaultdict(set)
    words = _Words(article.text)
    common = {name: words.common_word(name) for name in {m[2] for m in mentions}}
    mentions = [m for m in mentions if not common[m[2]]]
    for _, sentence_index, name, label, headline in mentions:
        key = lex.entity_key(name)
        sentences[key].add((bool(headline), int(sentence_index)))
        labels.setdefault(key, label)
        names[key].add(name)
    title = article.title or ""
    counts: dict[str, tuple[int, bool]] = {}
    for key, seen in sentences.items():
        found = max(words.count(n) for n in names[key])
        in_title = any(h for h, _ in seen) or any(n in title for n in names[key])
        counts[key] = (max(len(seen), found), in_title)
    places = {lex.entity_key(n) for _, _, n, label, _ in mentions if label in lex.location_labels}
    salient = choose_salient(counts, places)
    rows = [
        {
            **row,
            "published": article.published,
            "label": labels[str(row["key"])],
            "mentions": counts[str(row["key"])][0],
            "salient": row["key"] in salient,
        }
        for row in article_entity_rows((int(a), n, lb, bool(h)) for a, _, n, lb, h in mentions)
    ]
    insert_ignoring_duplicates(session, models.ArticleEntity, rows, ["article_id", "key"])


def article_claims(
    session: Session, article_id: int, synonyms: Synonyms
) -> dict[int, ClaimFeatures]:
    """Features of every claim of one article."""
    claim_ids = session.execute(
        select(col(models.Claim.id)).where(col(models.Claim.article_id) == article_id)
    ).scalars()
    return load_claim_features(session, claim_ids, synonyms)


def _slot_fact(session: Session, story_id: int, slot: Slot) -> int | None:
    """The id of the fact of this slot in this story (its own or an alias), if there is one."""
    return _slot_facts(session, story_id, [slot.key]).get(slot.key)


def _slot_facts(session: Session, story_id: int, keys: Iterable[str]) -> dict[str, int]:
    """The story's facts of these slots, by slot key: a fact's own slot, else an alias
    (`factdb.match.anchoring`)."""
    fact, alias = models.Fact, models.SlotAlias
    wanted = sorted(set(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for fact_id, key in session.execute(
            select(col(fact.id), col(fact.slot)).where(
                col(fact.story_id) == story_id, col(fact.slot).in_(chunk)
            )
        ):
            found[str(key)] = int(fact_id)
        for fact_id, key in session.execute(
            select(col(alias.fact_id), col(alias.slot)).where(
                col(alias.story_id) == story_id, col(alias.slot).in_(chunk)
            )
        ):
            found.setdefault(str(key), int(fact_id))
    return found


def _fact_for(session: Session, story_id: int, slot: Slot, head: ClaimFeatures) -> int:
    """The id of the fact of this slot in this story, created (headed by `head`) if new."""
    found = _slot_fact(session, story_id, slot)
    if found is not None:
        return found
    (created,) = _new_facts(session, story_id, [(head, slot)])
    return created


def _new_facts(
    session: Session, story_id: int, heads: Sequence[tuple[ClaimFeatures, Slot | None]]
) -> list[int]:
    """Create one fact of this story per (first report, slot) pair, in one statement; their
    ids in the same order. An article brings dozens of facts: claims without a slot and slots
    no other article reports yet."""
    if not heads:
        return []
    now = utcnow()
    rows = [
        {
            "claim_id": claim.id,
            "label": claim.text,
            "story_id": story_id,
            "slot": slot.key if slot is not None else None,
            "created_at": now,
            "updated_at": now,
        }
        for claim, slot in heads
    ]
    return insert_returning_ids(session, models.Fact, rows)


@lru_cache(maxsize=1)
def _nearest_statements() -> dict[str, Select[Any]]:
    """The reads of `_nearest_reports` (`factdb.store.writes.nearest_in_time`)."""
    member, claim = models.FactClaim, models.Claim
    base = (
        select(col(member.claim_id))
        .join(claim, col(claim.id) == member.claim_id)
        .where(
            col(member.fact_id) == bindparam("fact"),
            col(claim.article_id) != bindparam("article"),
        )
    )
    return nearest_in_time(
        base, col(member.published), col(member.claim_id), NEAREST_REPORTS, 2 * NEAREST_REPORTS
    )


def _nearest_reports(
    session: Session, fact_id: int, published: date | None, exclude_article: int
) -> list[int]:
    """Claims of a fact nearest in publication date to `published` (`NEAREST_REPORTS` on
    each side, and as many undated), from articles other than `exclude_article`."""
    statements = _nearest_statements()
    where = {"fact": fact_id, "article": exclude_article, "day": published}
    reads = ("before", "after") if published is not None else ("latest",)
    found: list[int] = []
    for read in (*reads, "undated"):
        found += session.execute(statements[read], where).scalars()
    return [int(i) for i in found]


class _SlotsUnder:
    """`claim_slot` under one home, worked out once per claim: a report is linked with many
    others, and each link needs the numbers of both."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self._found: dict[int, tuple[Slot | None, QuantityFeatures | None]] = {}

    def __call__(self, claim: ClaimFeatures) -> tuple[Slot | None, QuantityFeatures | None]:
        found = self._found.get(claim.id)
        if found is None:
            found = self._found[claim.id] = claim_slot(claim, self.home)
        return found


def _link(a: ClaimFeatures, b: ClaimFeatures, slot: Slot, slots: _SlotsUnder) -> Link:
    """The link between two reports of one slot (`a` the new one)."""
    (own_a, qa), (own_b, qb) = slots(a), slots(b)
    pairs = ((qa, qb),) if qa is not None and qb is not None else ()
    return Link(
        a=a,
        b=b,
        score=1.0,
        reason=f"same story, same slot: {slot.describe()}",
        quantity_pairs=pairs,
        slot=slot,
        worded_alike=own_a == own_b,
    )


def match_article(session: Session, article_id: int, synonyms: Synonyms) -> MatchResult:
    """Put a newly stored article into its story and each of its claims into the fact of its
    slot; return the links between its claims and the nearest reports of the same facts.

    Runs inside the caller's per-article transaction, after `factdb.match.copies.detect_copies`.
    """
    article = session.get(models.Article, article_id)
    if article is None:
        raise LookupError(f"article {article_id} does not exist")
    _index_article_entities(session, article)
    story = assign_story(session, article)
    home = story_home(session, story.story_id)
    # Where a story's home lies decides which places scope its numbers: the reports of each
    # merged story whose home was another take the slots they have under the new one.
    moving = _reports_of_stories(session, _homes_moved(session, story, home))
    links = _merge_stories(session, story.story_id, story.absorbed, synonyms)
    drop_stories(session, story.absorbed)
    links += _reslot(session, story.story_id, moving, home, synonyms)
    row = session.get(models.Story, story.story_id)
    assert row is not None
    if row.home != home.text:
        row.home = home.text
        session.add(row)
    slots = _SlotsUnder(home)
    new = article_claims(session, article_id, synonyms)
    plans = {claim.id: slots(claim) for claim in new.values()}
    facts, nearby = _reports_by_slot(session, story.story_id, plans.values(), article, synonyms)
    ordered = sorted(new.values(), key=lambda c: (c.start, c.id))
    joining = {
        claim_id: found
        for claim_id, found in _restatements(session, article_id, new, synonyms).items()
        if _joins_original(plans[claim_id][0], slots(found[0])[0])
    }
    anchors = _anchor(session, story.story_id, article, ordered, joining, plans, facts, synonyms)
    nearby.update(
        _nearby(
            session,
            {a.fact_id for a in anchors.values()} - set(nearby),
            article,
            synonyms,
        )
    )
    alone = _open_facts(
        session,
        story.story_id,
        [c for c in ordered if c.id not in joining and c.id not in anchors],
        plans,
        facts,
    )
    memberships: list[dict[str, object]] = []
    candidates: dict[int, list[ClaimFeatures]] = defaultdict(list)
    known = dict(new)
    for claim in ordered:
        slot, number = plans[claim.id]
        if claim.id in joining:
            original, fact_id, overlap = joining[claim.id]
            link = Link(
                a=claim,
                b=original,
                score=round(overlap, 3),
                reason=f"restates a claim of a copy of its article (word overlap {overlap:.2f})",
                quantity_pairs=(),
            )
            links.append(link)
            memberships.append(_membership(claim, fact_id, number, link))
            candidates[fact_id].append(claim)
            known[original.id] = original
            continue
        anchor = anchors.get(claim.id)
        if anchor is not None:
            fact_id, number = anchor.fact_id, anchor.number
            others = nearby.get(fact_id, {})
            found = [_anchored_link(claim, anchor, other, slots) for other in others.values()]
        elif slot is None:
            memberships.append(_membership(claim, alone[claim.id], number, None))
            continue
        else:
            fact_id = facts[slot.key]
            others = nearby.get(fact_id, {})
            found = [_link(claim, other, slot, slots) for other in others.values()]
        links += found
        best = min(found, key=lambda link: link.b.order_key(), default=None)
        memberships.append(_membership(claim, fact_id, number, best))
        candidates[fact_id].append(claim)
        known.update(others)
    _adopt_earliest(session, candidates, known)
    insert_ignoring_duplicates(session, models.FactClaim, memberships, ["claim_id"])
    _first_links(session, links)
    copies = copy_partners(session, {article_id})
    return MatchResult(article_id, links, copies)


def _anchor(
    session: Session,
    story_id: int,
    article: models.Article,
    ordered: Sequence[ClaimFeatures],
    joining: Mapping[int, object],
    plans: Mapping[int, tuple[Slot | None, QuantityFeatures | None]],
    facts: dict[str, int],
    synonyms: Synonyms,
) -> dict[int, Anchor]:
    """The new claims that join a fact of the story by their figure, among those whose slot
    the story has no fact of yet, or as a paraphrase of a report of it, among those whose slot
    is new or unknown (`factdb.match.anchoring`). Each slot so joined becomes an alias of its
    fact (added to `facts` and stored), so that the article's other reports of it, and later
    ones, join the fact too."""
    assert article.id is not None
    waiting = [
        claim
        for claim in ordered
        if claim.id not in joining
        and (slot := plans[claim.id][0]) is not None
        and slot.key not in facts
    ]
    values = {
        number.interval.value
        for claim in waiting
        if (number := plans[claim.id][1]) is not None and number.interval.value is not None
    }
    figures = story_figures(session, story_id, article.id, values) if values else {}
    anchors: dict[int, Anchor] = {}
    aliases: dict[str, int] = {}
    for claim in waiting:
        slot, number = plans[claim.id]
        if slot is None or number is None or slot.key in facts:  # aliased by a claim before
            continue
        found = choose_anchor(slot, number, figures)
        if found is not None:
            anchors[claim.id] = found
            facts[slot.key] = aliases[slot.key] = found.fact_id
    unjoined = [
        claim
        for claim in ordered
        if claim.id not in joining
        and claim.id not in anchors
        and plans[claim.id][1] is not None
        and ((slot := plans[claim.id][0]) is None or slot.key not in facts)
    ]
    reports = _story_reports(session, story_id, article, synonyms) if unjoined else []
    for claim in unjoined:
        slot, number = plans[claim.id]
        if number is None or (slot is not None and slot.key in facts):
            continue
        found = choose_paraphrase(claim, number, reports)
        if found is not None:
            anchors[claim.id] = found
            if slot is not None:
                facts[slot.key] = aliases[slot.key] = found.fact_id
    insert_ignoring_duplicates(
        session,
        models.SlotAlias,
        [{"story_id": story_id, "slot": key, "fact_id": f} for key, f in sorted(aliases.items())],
        ["story_id", "slot"],
    )
    return anchors


# Reports of a story read, nearest in time on each side, when a paraphrase is looked for.
PARAPHRASE_REPORTS = 100


@lru_cache(maxsize=1)
def _story_report_statements() -> dict[str, Select[Any]]:
    """The reads of `_story_reports` (`factdb.store.writes.nearest_in_time`)."""
    member, fact, claim, quantity = models.FactClaim, models.Fact, models.Claim, models.Quantity
    # Typed as the one-column reads `nearest_in_time` is declared for; it reads any.
    base = cast(
        "Select[Any]",
        select(
            col(member.fact_id),
            col(fact.slot),
            col(claim.normalized),
            col(claim.predicate),
            col(quantity.unit),
            col(quantity.base_unit),
        )
        .join(fact, col(fact.id) == member.fact_id)
        .join(claim, col(claim.id) == member.claim_id)
        .join(quantity, col(quantity.id) == member.quantity_id)
        .where(
            col(fact.story_id) == bindparam("story"),
            col(member.article_id) != bindparam("article"),
            col(member.quantity_id).is_not(None),
            col(fact.slot).is_not(None),
        ),
    )
    return nearest_in_time(
        base,
        col(member.published),
        col(member.claim_id),
        PARAPHRASE_REPORTS,
        2 * PARAPHRASE_REPORTS,
    )


def _story_reports(
    session: Session, story_id: int, article: models.Article, synonyms: Synonyms
) -> list[StoredReport]:
    """The story's numeric reports from other articles nearest in time to `article`, with
    their facts' slots: the candidates of a paraphrase (`choose_paraphrase`)."""
    statements = _story_report_statements()
    where = {"story": story_id, "article": article.id, "day": article.published}
    reads = ("before", "after") if article.published is not None else ("latest",)
    return [
        StoredReport(
            content_lemmas(normalized, synonyms.predicate_key(predicate), synonyms),
            measured_dimension_of(base_unit or unit),
            int(fact_id),
            Slot.parse(str(key)),
        )
        for read in (*reads, "undated")
        for fact_id, key, normalized, predicate, unit, base_unit in session.execute(
            statements[read], where
        )
    ]


def _anchored_link(
    claim: ClaimFeatures, anchor: Anchor, other: ClaimFeatures, slots: _SlotsUnder
) -> Link:
    """The link between a report that joined a fact by its figure and a report of the fact."""
    own, theirs = slots(other)
    return Link(
        a=claim,
        b=other,
        score=1.0,
        reason=f"same story, same figure of a like measure: {anchor.slot.describe()}",
        quantity_pairs=((anchor.number, theirs),) if theirs is not None else (),
        slot=anchor.slot,
        worded_alike=own == slots(claim)[0],
    )


def _open_facts(
    session: Session,
    story_id: int,
    claims: Sequence[ClaimFeatures],
    plans: Mapping[int, tuple[Slot | None, QuantityFeatures | None]],
    facts: dict[str, int],
) -> dict[int, int]:
    """Create the facts these claims (in text order) open: one for each claim without a slot
    (returned, claim id → fact id), one for each slot the story has no fact of yet, headed by
    its first report here (added to `facts`, slot key → fact id)."""
    heads: list[tuple[ClaimFeatures, Slot | None]] = []
    opened: set[str] = set()
    for claim in claims:
        slot = plans[claim.id][0]
        if slot is None:
            heads.append((claim, None))
        elif slot.key not in facts and slot.key not in opened:
            opened.add(slot.key)
            heads.append((claim, slot))
    alone: dict[int, int] = {}
    for (claim, slot), fact_id in zip(heads, _new_facts(session, story_id, heads), strict=True):
        if slot is None:
            alone[claim.id] = fact_id
        else:
            facts[slot.key] = fact_id
    return alone


def _joins_original(slot: Slot | None, original: Slot | None) -> bool:
    """Whether a claim that restates a claim of a copy joins that claim's fact rather than
    its own slot's: when their slots differ (or either has none), unless both are numbers
    that measure different things, which are two different facts."""
    if slot is None or original is None:
        return True
    if original.key == slot.key:
        return False  # its own slot is the original's fact
    numbers = not slot.measure.startswith("claim|") and not original.measure.startswith("claim|")
    return not numbers or original.measure == slot.measure


def _reports_by_slot(
    session: Session,
    story_id: int,
    plans: Iterable[tuple[Slot | None, QuantityFeatures | None]],
    article: models.Article,
    synonyms: Synonyms,
) -> tuple[dict[str, int], dict[int, dict[int, ClaimFeatures]]]:
    """The story's existing facts of these slots (slot key → fact id) and, for each, its
    reports in other articles nearest in time (`_nearest_reports`), read together: an
    article has dozens of claims, and reading each one's reports apart cost a round of
    queries per claim."""
    facts = _slot_facts(session, story_id, {slot.key for slot, _ in plans if slot is not None})
    return facts, _nearby(session, set(facts.values()), article, synonyms)


def _nearby(
    session: Session, fact_ids: set[int], article: models.Article, synonyms: Synonyms
) -> dict[int, dict[int, ClaimFeatures]]:
    """For each of these facts, its reports in other articles nearest in time to `article`
    (`_nearest_reports`), by claim id."""
    assert article.id is not None
    ids = {
        fact_id: _nearest_reports(session, fact_id, article.published, article.id)
        for fact_id in sorted(fact_ids)
    }
    features = load_claim_features(session, {i for found in ids.values() for i in found}, synonyms)
    return {
        fact_id: {i: features[i] for i in sorted(found) if i in features}
        for fact_id, found in ids.items()
    }


RESTATED = 0.5
RESTATED_WORDS = 3


def _restatements(
    session: Session, article_id: int, new: Mapping[int, ClaimFeatures], synonyms: Synonyms
) -> dict[int, tuple[ClaimFeatures, int, float]]:
    """For each new claim, the claim of a copy (or original) of its article that it restates:
    the one sharing the most content words, when they share at least `RESTATED` of them
    (Jaccard) and `RESTATED_WORDS` at least, and each is the other's best match. A syndicated
    rewrite says "backed the crackdown against" where its original says "backed the crackdown
    on": no slot joins such claims, their copy link does."""
    partners = {a for pair in copy_partners(session, {article_id}) for a in pair} - {article_id}
    if not partners:
        return {}
    claim = models.Claim
    # The copies' claims are compared by their words alone; only those restated are read
    # in full.
    olds: dict[int, tuple[int, frozenset[str], str]] = {}
    for claim_id, fact_id, normalized, predicate, polarity in session.execute(
        select(
            col(claim.id),
            col(models.FactClaim.fact_id),
            col(claim.normalized),
            col(claim.predicate),
            col(claim.polarity),
        )
        .join(models.FactClaim, col(models.FactClaim.claim_id) == claim.id)
        .where(col(claim.article_id).in_(partners))
    ):
        lemmas = content_lemmas(normalized, synonyms.predicate_key(predicate), synonyms)
        olds[int(claim_id)] = (int(fact_id), lemmas, polarity)

    def overlap(a: frozenset[str], a_polarity: str, b: frozenset[str], b_polarity: str) -> float:
        shared = len(a & b)
        if shared < RESTATED_WORDS or a_polarity != b_polarity:
            return 0.0
        return shared / len(a | b)

    def best_new(old_id: int) -> int:
        _, lemmas, polarity = olds[old_id]
        return max(
            ((overlap(lemmas, polarity, c.lemmas, c.polarity), -c.id) for c in new.values()),
            default=(0.0, 0),
        )[1]

    chosen: dict[int, tuple[int, float]] = {}
    for current in new.values():
        score, old_id = max(
            (
                (overlap(current.lemmas, current.polarity, lemmas, polarity), -i)
                for i, (_, lemmas, polarity) in olds.items()
            ),
            default=(0.0, 0),
        )
        # Mutual best only, so that which article arrived first changes nothing.
        if score >= RESTATED and best_new(-old_id) == -current.id:
            chosen[current.id] = (-old_id, score)
    originals = load_claim_features(session, {i for i, _ in chosen.values()}, synonyms)
    return {
        claim_id: (originals[old_id], olds[old_id][0], score)
        for claim_id, (old_id, score) in chosen.items()
    }


def _homes_moved(session: Session, story: StoryAssignment, home: Home) -> list[int]:
    """Of the stories just merged into `story` (and itself), those whose reports were slotted
    under another home than `home`."""
    ids = (story.story_id, *story.absorbed)
    stored = dict(
        session.execute(
            select(col(models.Story.id), col(models.Story.home)).where(
                col(models.Story.id).in_(ids)
            )
        ).all()
    )
    return [s for s in ids if stored.get(s) != home.text]


def _reports_of_stories(session: Session, story_ids: Sequence[int]) -> list[int]:
    """The claims in the facts of these stories."""
    if not story_ids:
        return []
    member, fact = models.FactClaim, models.Fact
    return list(
        session.execute(
            select(col(member.claim_id))
            .join(fact, col(fact.id) == member.fact_id)
            .where(col(fact.story_id).in_(story_ids))
        ).scalars()
    )


def _reslot(
    session: Session, story_id: int, claim_ids: Sequence[int], home: Home, synonyms: Synonyms
) -> list[Link]:
    """Move each of these stored reports of a story whose slot under `home` changed into the
    fact of its new slot; return its links with the reports nearest in time there (for
    conflicts)."""
    if not claim_ids:
        return []
    member, fact = models.FactClaim, models.Fact
    rows: list[Any] = []
    ids = sorted(claim_ids)
    for start in range(0, len(ids), 500):
        rows += session.execute(
            select(col(member.claim_id), col(member.fact_id), col(fact.slot))
            .join(fact, col(fact.id) == member.fact_id)
            .where(col(member.claim_id).in_(ids[start : start + 500]))
        ).all()
    features = load_claim_features(session, [int(r[0]) for r in rows], synonyms)
    links: list[Link] = []
    touched: set[int] = set()
    moved: list[int] = []
    slots = _SlotsUnder(home)
    for claim_id, fact_id, slot_key in sorted(rows):
        claim = features[claim_id]
        slot, number = slots(claim)
        if (slot.key if slot else None) == slot_key:
            continue
        if slot is None:
            (target,) = _new_facts(session, story_id, [(claim, None)])
        else:
            target = _fact_for(session, story_id, slot, claim)
            others = load_claim_features(
                session,
                _nearest_reports(session, target, claim.published, claim.article_id),
                synonyms,
            )
            links += [_link(claim, other, slot, slots) for other in others.values()]
        session.execute(
            update(member)
            .where(col(member.claim_id) == claim_id)
            .values(fact_id=target, quantity_id=number.id if number else None)
        )
        touched |= {int(fact_id), target}
        moved.append(claim_id)
    _drop_stale_conflicts(session, moved)
    _tidy_facts(session, touched)
    return links


def _drop_stale_conflicts(session: Session, claim_ids: Sequence[int]) -> None:
    """Delete the open conflicts of these moved reports with reports no longer in their fact:
    found between two reports of one slot, they do not hold once the slots differ (a
    reviewed one keeps its reviewer's decision)."""
    conflict = models.Conflict
    fact_a, fact_b = aliased(models.FactClaim), aliased(models.FactClaim)
    for start in range(0, len(claim_ids), 500):
        ids = claim_ids[start : start + 500]
        stale = (
            select(col(conflict.id))
            .join(fact_a, col(fact_a.claim_id) == conflict.claim_a_id)
            .join(fact_b, col(fact_b.claim_id) == conflict.claim_b_id)
            .where(
                col(conflict.status) == "open",
                or_(col(conflict.claim_a_id).in_(ids), col(conflict.claim_b_id).in_(ids)),
                col(fact_a.fact_id) != col(fact_b.fact_id),
            )
        )
        session.execute(delete(conflict).where(col(conflict.id).in_(stale)))


def _tidy_facts(session: Session, fact_ids: set[int]) -> None:
    """Delete facts left without reports; give the others their earliest report as label."""
    member = models.FactClaim
    for fact_id in sorted(fact_ids):
        claims = set(
            session.execute(
                select(col(member.claim_id)).where(col(member.fact_id) == fact_id)
            ).scalars()
        )
        fact = session.get(models.Fact, fact_id)
        if fact is None:
            continue
        if not claims:
            session.delete(fact)
            continue
        order = _order_keys(session, claims)
        head = min(claims, key=lambda c: order[c])
        if head != fact.claim_id:
            text = session.execute(
                select(col(models.Claim.text)).where(col(models.Claim.id) == head)
            ).scalar_one()
            fact.claim_id, fact.label, fact.updated_at = head, text, utcnow()
            session.add(fact)
    session.flush()


def _membership(
    claim: ClaimFeatures, fact_id: int, number: QuantityFeatures | None, best: Link | None
) -> dict[str, object]:
    return {
        "claim_id": claim.id,
        "fact_id": fact_id,
        "article_id": claim.article_id,
        "published": claim.published,
        "quantity_id": number.id if number is not None else None,
        "score": best.score if best else None,
        "reason": best.reason if best else None,
        "matched_claim_id": best.b.id if best else None,
    }


def _adopt_earliest(
    session: Session,
    candidates: Mapping[int, Sequence[ClaimFeatures]],
    known: Mapping[int, ClaimFeatures],
) -> None:
    """Make the earliest of each fact's new reports (`candidates`, by fact id) its
    representative when it is earlier than the current one. `known` holds the features
    already read, so that only representatives from elsewhere are looked up."""
    fact_ids = sorted(candidates)
    facts: list[models.Fact] = []
    for start in range(0, len(fact_ids), 500):
        facts += session.execute(
            select(models.Fact).where(col(models.Fact.id).in_(fact_ids[start : start + 500]))
        ).scalars()
    keys = _order_keys(session, {f.claim_id for f in facts if f.claim_id not in known})
    for fact in facts:
        head = known.get(fact.claim_id)
        current = head.order_key() if head is not None else keys.get(fact.claim_id)
        assert fact.id is not None
        earliest = min(candidates[fact.id], key=lambda claim: claim.order_key())
        if current is None or earliest.order_key() < current:
            fact.claim_id, fact.label, fact.updated_at = earliest.id, earliest.text, utcnow()
            session.add(fact)


def _first_links(session: Session, links: Sequence[Link]) -> None:
    """Give an older report that had no link yet its first one (the new report)."""
    by_old: dict[int, Link] = {}
    for link in links:
        by_old.setdefault(link.b.id, link)
    if not by_old:
        return
    for row in session.execute(
        select(models.FactClaim).where(
            col(models.FactClaim.claim_id).in_(by_old),
            col(models.FactClaim.matched_claim_id).is_(None),
        )
    ).scalars():
        link = by_old[row.claim_id]
        row.score, row.matched_claim_id, row.reason = link.score, link.a.id, link.reason
        session.add(row)


def _order_keys(session: Session, claim_ids: set[int]) -> dict[int, tuple[date, str, int, int]]:
    if not claim_ids:
        return {}
    rows = session.execute(
        select(
            col(models.Claim.id),
            col(models.Article.published),
            col(models.Article.content_hash),
            col(models.Claim.start),
            col(models.Claim.end),
        )
        .join(models.Article, col(models.Article.id) == models.Claim.article_id)
        .where(col(models.Claim.id).in_(claim_ids))
    )
    return {
        int(i): (published or date.max, content_hash, start, end)
        for i, published, content_hash, start, end in rows
    }


def _merge_stories(
    session: Session, story_id: int, absorbed: tuple[int, ...], synonyms: Synonyms
) -> list[Link]:
    """Move the facts of absorbed stories into `story_id`; facts of the same slot merge, and
    their reports are linked across the two sides (for conflicts)."""
    if not absorbed:
        return []
    fact = models.Fact
    # Only the absorbed stories' facts are read, and the story's own of the same slots:
    # `story_id` is the largest of the merged stories (`factdb.match.stories.assign_story`).
    by_slot: dict[str, list[int]] = defaultdict(list)
    for fact_id, slot in session.execute(
        select(col(fact.id), col(fact.slot)).where(
            col(fact.story_id).in_(absorbed), col(fact.slot).is_not(None)
        )
    ):
        by_slot[str(slot)].append(int(fact_id))
    keys = sorted(by_slot)
    for start in range(0, len(keys), 500):
        for fact_id, slot in session.execute(
            select(col(fact.id), col(fact.slot)).where(
                col(fact.story_id) == story_id, col(fact.slot).in_(keys[start : start + 500])
            )
        ):
            by_slot[str(slot)].append(int(fact_id))
    merging = {key: sorted(by_slot[key]) for key in keys if len(by_slot[key]) > 1}
    # The fact kept for a slot takes the earliest head of all, whichever story arrived first.
    merged_heads = [f for fact_ids in merging.values() for f in fact_ids[1:]]
    heads: dict[int, int] = {}
    for start in range(0, len(merged_heads), 500):
        for fact_id, claim_id in session.execute(
            select(col(fact.id), col(fact.claim_id)).where(
                col(fact.id).in_(merged_heads[start : start + 500])
            )
        ):
            heads[int(fact_id)] = int(claim_id)
    head_features = load_claim_features(session, set(heads.values()), synonyms)
    # Each side's latest reports are linked across (for conflicts), read together.
    sides = {
        f: list(
            session.execute(
                select(col(models.FactClaim.claim_id))
                .where(col(models.FactClaim.fact_id) == f)
                .order_by(col(models.FactClaim.published).desc())
                .limit(NEAREST_REPORTS)
            ).scalars()
        )
        for fact_ids in merging.values()
        for f in fact_ids
    }
    features = load_claim_features(session, {c for ids in sides.values() for c in ids}, synonyms)
    links: list[Link] = []
    slots = _SlotsUnder(story_home(session, story_id))
    merged: list[int] = []
    for slot_key, fact_ids in merging.items():
        slot = Slot(slot_key)
        for i, f in enumerate(fact_ids):
            for g in fact_ids[i + 1 :]:
                links += [
                    _link(features[a], features[b], slot, slots)
                    for a in sides[f]
                    for b in sides[g]
                    if features[a].article_id != features[b].article_id
                ]
        keep, others = fact_ids[0], fact_ids[1:]
        for table in (models.FactClaim, models.SlotAlias):
            session.execute(
                update(table).where(col(table.fact_id).in_(others)).values(fact_id=keep)
            )
        merged += others
    _adopt_earliest(
        session,
        {ids[0]: [head_features[heads[f]] for f in ids[1:]] for ids in merging.values()},
        head_features,
    )
    for start in range(0, len(merged), 500):
        session.execute(delete(fact).where(col(fact.id).in_(merged[start : start + 500])))
    session.execute(update(fact).where(col(fact.story_id).in_(absorbed)).values(story_id=story_id))
    _move_aliases(session, story_id, absorbed)
    session.flush()
    return links


def _move_aliases(session: Session, story_id: int, absorbed: tuple[int, ...]) -> None:
    """Give the slot aliases of absorbed stories to `story_id`, but for slots it already
    has a fact or an alias of (those keep theirs)."""
    alias, fact = models.SlotAlias, models.Fact
    taken = (
        select(col(fact.slot))
        .where(col(fact.story_id) == story_id, col(fact.slot).is_not(None))
        .union(select(col(alias.slot)).where(col(alias.story_id) == story_id))
    )
    session.execute(
        delete(alias).where(col(alias.story_id).in_(absorbed), col(alias.slot).in_(taken))
    )
    session.execute(
        update(alias).where(col(alias.story_id).in_(absorbed)).values(story_id=story_id)
    )
