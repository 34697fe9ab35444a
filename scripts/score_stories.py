"""Score factdb's stories against the events of a corpus folder: B-cubed precision, recall, F1.

The folder holds one subfolder per real event, each with one ``.txt`` per article (the layout
of ``shared/corpus/news-dev``). Every event is ingested into ONE fresh SQLite database, so a
story that mixes two events lowers precision and an event split into several stories lowers
recall. B-cubed scores each article: precision is the share of its story that is of its event,
recall the share of its event that is in its story; both are averaged over the articles.

    python3 scripts/score_stories.py ../shared/corpus/news-dev --factdb .venv/bin/factdb
    python3 scripts/score_stories.py FOLDER --factdb .venv/bin/factdb --show

``--show`` lists each event's stories (article names per story): for a development folder
only; by default only the aggregate figures are printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path


def b_cubed(story_of: dict[str, int], event_of: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of the stories `story_of` against the events
    `event_of`, both keyed by article."""
    by_story: dict[int, set[str]] = defaultdict(set)
    by_event: dict[str, set[str]] = defaultdict(set)
    for article, story in story_of.items():
        by_story[story].add(article)
        by_event[event_of[article]].add(article)
    precision = recall = 0.0
    for article, story in story_of.items():
        together = by_story[story] & by_event[event_of[article]]
        precision += len(together) / len(by_story[story])
        recall += len(together) / len(by_event[event_of[article]])
    n = len(story_of) or 1
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def stories_of(folder: Path, factdb: str) -> tuple[dict[str, int], dict[str, str]]:
    """Ingest every event of `folder` into one fresh database; each article's story and its
    event (the subfolder it came from), keyed by the article's path."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "stories.db")
        subprocess.run([factdb, "ingest", str(folder), "--db", db, "--quiet"], check=True)
        listed = subprocess.run(
            [factdb, "articles", "--db", db, "--format", "json", "--all"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    story_of: dict[str, int] = {}
    event_of: dict[str, str] = {}
    for article in json.loads(listed):
        origin = Path(article["origin"])
        key = str(origin)
        story_of[key] = int(article["story_id"])
        event_of[key] = origin.parent.name
    return story_of, event_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of event subfolders")
    parser.add_argument("--factdb", default="factdb", help="the factdb command to run")
    parser.add_argument("--show", action="store_true", help="list each event's stories")
    args = parser.parse_args()
    story_of, event_of = stories_of(args.folder, args.factdb)
    precision, recall, f1 = b_cubed(story_of, event_of)
    events = len(set(event_of.values()))
    print(
        f"{len(story_of)} articles, {events} events, {len(set(story_of.values()))} stories: "
        f"B-cubed precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}"
    )
    if args.show:
        for event in sorted(set(event_of.values())):
            groups: dict[int, list[str]] = defaultdict(list)
            for article, story in story_of.items():
                if event_of[article] == event:
                    groups[story].append(Path(article).stem)
            print(f"{event}:")
            for story, members in sorted(groups.items()):
                others = sum(1 for a, s in story_of.items() if s == story and event_of[a] != event)
                extra = f"  (+{others} of other events)" if others else ""
                print(f"  story {story}: {' '.join(sorted(members))}{extra}")


if __name__ == "__main__":
    main()
