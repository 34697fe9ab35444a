"""What ingest derived from a database's articles, by content only, never by row ids.

Two databases that stored the same articles — one ingest, several `--concurrent` workers,
another order — must derive the same copies, stories, facts and conflicts. Ids differ between
them (they count arrivals), so everything here is keyed by content: an article by its content
hash, a claim by its article's content hash and its offsets. `derived_content` is what
`tests/test_concurrent.py` and ``scripts/torture.py`` compare.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

ClaimKey = tuple[str, bool, int, int]


def derived_content(engine: Engine) -> dict[str, Any]:
    """Articles, story partition, copy links, fact partition and conflicts, keyed by content.

    - ``articles``: the content hashes stored;
    - ``stories``: the partition of articles into stories (a set of frozensets of hashes);
    - ``copies``: (original hash, copy hash, score);
    - ``facts``: the partition of claims into facts, each with its head claim (the earliest
      report). Not the slot key: a fact that a restatement joined across two copies keeps the
      slot of whichever copy's claim arrived first (`factdb.match.matching`), a name that depends
      on arrival while the partition does not;
    - ``conflicts``: (claim a, claim b, kind, status, confidence);
    - ``revisions``: (hash, hash of the version it revises, version number).
    """
    with engine.connect() as connection:

        def rows(sql: str) -> list[Any]:
            return list(connection.execute(text(sql)))

        article_hash = {int(i): str(h) for i, h in rows("SELECT id, content_hash FROM article")}
        claim_key: dict[int, ClaimKey] = {
            int(i): (article_hash[int(a)], bool(headline), int(start), int(end))
            for i, a, headline, start, end in rows(
                'SELECT id, article_id, is_headline, start, "end" FROM claim'
            )
        }
        stories: dict[int, set[str]] = defaultdict(set)
        for article_id, story_id in rows("SELECT id, story_id FROM article"):
            stories[-int(article_id) if story_id is None else int(story_id)].add(
                article_hash[int(article_id)]
            )
        facts: dict[int, set[ClaimKey]] = defaultdict(set)
        for claim_id, fact_id in rows("SELECT claim_id, fact_id FROM fact_claim"):
            facts[int(fact_id)].add(claim_key[int(claim_id)])
        heads = {int(i): claim_key[int(c)] for i, c in rows("SELECT id, claim_id FROM fact")}
        revisions = {
            (article_hash[int(i)], article_hash[int(r)], int(v))
            for i, r, v in rows(
                "SELECT id, revision_of_id, version FROM article WHERE revision_of_id IS NOT NULL"
            )
        }
        return {
            "articles": set(article_hash.values()),
            "stories": {frozenset(members) for members in stories.values()},
            "copies": {
                (article_hash[int(o)], article_hash[int(c)], float(s))
                for o, c, s in rows("SELECT original_id, copy_id, score FROM article_copy")
            },
            "facts": {
                (frozenset(members), heads.get(fact_id)) for fact_id, members in facts.items()
            },
            "facts without claims": len(set(heads) - set(facts)),
            "conflicts": {
                (claim_key[int(a)], claim_key[int(b)], kind, status, round(float(confidence), 3))
                for a, b, kind, status, confidence in rows(
                    "SELECT claim_a_id, claim_b_id, kind, status, confidence FROM conflict"
                )
            },
            "revisions": revisions,
        }


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """One line per part of two `derived_content` results that differs, with how many
    entries each side has that the other lacks."""
    lines = []
    for part in a:
        if a[part] == b.get(part):
            continue
        if isinstance(a[part], set) and isinstance(b.get(part), set):
            lines.append(
                f"{part}: {len(a[part] - b[part])} only in the first, "
                f"{len(b[part] - a[part])} only in the second"
            )
        else:
            lines.append(f"{part}: {a[part]!r} != {b.get(part)!r}")
    return lines
