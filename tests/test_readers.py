"""Tests for factdb.inputs.readers: layouts, metadata, page furniture, inputs and every read error.

Articles are the two seeds and short texts written here; the development corpus is only read
in place by the `corpus` test, never copied.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factdb.inputs.readers import count_inputs, iter_articles, parse_article
from factdb.inputs.records import (
    NO_OVERRIDES,
    ArticleInput,
    Overrides,
    ReadError,
    content_hash,
    split_source,
)

REPO = Path(__file__).resolve().parents[1]
SEED_000 = REPO / "seeds/000_ad3e0aac17cc3a38.txt"
SEED_001 = REPO / "seeds/001_5ecebfcf688ddb98.txt"
CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/news-dev"

KREMLIN = (
    "The Kremlin will hold high-stakes security talks beginning Sunday with the US and its "
    "North Atlantic Treaty Organization allies."
)
BODY = (
    "Officials said 26 people were killed in the flood on Friday.\n\n"
    "Rescue teams reached the valley on Saturday."
)


def read_one(path: Path | str, overrides: Overrides = NO_OVERRIDES) -> ArticleInput | ReadError:
    records = list(iter_articles([str(path)], overrides))
    assert len(records) == 1
    return records[0]


def article(path: Path | str, overrides: Overrides = NO_OVERRIDES) -> ArticleInput:
    record = read_one(path, overrides)
    assert isinstance(record, ArticleInput), record
    return record


def error(path: Path | str) -> ReadError:
    record = read_one(path)
    assert isinstance(record, ReadError), record
    return record


def parsed(raw: str) -> ArticleInput:
    record = parse_article(raw, "test.txt")
    assert isinstance(record, ArticleInput), record
    return record


# --------------------------------------------------------------------------- the seeds


def test_seed_000_syndication_line() -> None:
    seed = article(SEED_000)
    assert seed.origin == str(SEED_000)
    assert seed.published == date(2022, 1, 8)
    assert seed.published_text == "2022-01-08"
    assert seed.author == "Nariman Gizitdinov"
    assert seed.source == "Bloomberg News"
    assert seed.distributor == "TNS"
    assert seed.title is None
    assert seed.url is None
    assert seed.warnings == ()
    raw = SEED_000.read_text(encoding="utf-8")
    assert seed.text == raw.split("\n", 1)[1].strip()
    assert seed.text.startswith("The President of Kazakhstan said")
    assert seed.content_hash == content_hash(seed.text)


def test_seed_001_web_copy() -> None:
    seed = article(SEED_001)
    assert seed.title == "Putin\u2019s troops go in as Kazakh leader orders protesters shot"
    assert seed.source == "Bloomberg"
    assert seed.distributor is None
    assert seed.author is None
    assert seed.url is None
    assert seed.published is None
    assert seed.published_text is None
    assert len(seed.warnings) == 1
    assert "no publication date" in seed.warnings[0]
    assert seed.text.startswith("Kazakhstan\u2019s president said")
    assert "Leave a Reply" not in seed.text
    assert "Send this to a friend" not in seed.text
    assert "Bloomberg\n" not in seed.text
    assert seed.text.split("\n")[-1] == KREMLIN


def test_seeds_differ_in_content_hash() -> None:
    assert article(SEED_000).content_hash != article(SEED_001).content_hash


# --------------------------------------------------------------------------- corpus header


def test_corpus_header(tmp_path: Path) -> None:
    path = tmp_path / "flood.txt"
    path.write_text(
        "source: Associated Press (via The Washington Post)\n"
        "date: 2022-01-08\n"
        "url: https://example.com/flood\n"
        "title: Flood kills 26 in the valley\n"
        "\n" + BODY + "\n",
        encoding="utf-8",
    )
    flood = article(path)
    assert flood.source == "Associated Press"
    assert flood.distributor == "The Washington Post"
    assert flood.published == date(2022, 1, 8)
    assert flood.published_text == "2022-01-08"
    assert flood.url == "https://example.com/flood"
    assert flood.title == "Flood kills 26 in the valley"
    assert flood.author is None
    assert flood.text == BODY
    assert flood.warnings == ()


def test_corpus_header_unknown_values(tmp_path: Path) -> None:
    path = tmp_path / "flood.txt"
    path.write_text(
        "source: Xinhua News Agency (English service)\ndate: unknown\nurl: unknown\n"
        "title: Flood kills 26\n\n" + BODY,
        encoding="utf-8",
    )
    flood = article(path)
    assert flood.published is None
    assert flood.published_text is None
    assert flood.url is None
    assert flood.source == "Xinhua News Agency"
    assert [w for w in flood.warnings if "'unknown'" in w and "--date" in w]


def test_corpus_header_unknown_field_is_ignored_with_warning() -> None:
    flood = parsed("source: Reuters\ntitle: Flood\nlanguage: en\n\n" + BODY)
    assert flood.source == "Reuters"
    assert any("'language'" in w for w in flood.warnings)
    assert flood.text == BODY


def test_unparseable_header_date_warns() -> None:
    flood = parsed("source: Reuters\ndate: the day after\n\n" + BODY)
    assert flood.published is None
    assert flood.published_text == "the day after"
    assert any("cannot read the publication date" in w for w in flood.warnings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Associated Press (via The Washington Post)", ("Associated Press", "The Washington Post")),
        ("Associated Press via The Washington Post", ("Associated Press", "The Washington Post")),
        (
            "The Boston Globe (via New York Times News Service)",
            ("The Boston Globe", "New York Times News Service"),
        ),
        (
            "The New York Times (New York Times News Service)",
            ("The New York Times", "New York Times News Service"),
        ),
        ("Associated Press (AP Worldstream)", ("Associated Press", "AP Worldstream")),
        ("Bloomberg News (TNS)", ("Bloomberg News", "TNS")),
        ("HuffPost (The Huffington Post)", ("HuffPost", None)),
        ("  Fox   News ", ("Fox News", None)),
        ("", (None, None)),
    ],
)
def test_split_source(value: str, expected: tuple[str | None, str | None]) -> None:
    assert split_source(value) == expected


# --------------------------------------------------------------------------- other layouts


def test_syndication_line_without_author() -> None:
    flood = parsed("date 2022-01-08 Reuters\n\n" + BODY)
    assert (flood.source, flood.author, flood.published) == ("Reuters", None, date(2022, 1, 8))
    assert flood.text == BODY


def test_plain_text_keeps_first_sentence() -> None:
    raw = "The President said on Friday that 26 people had been killed in the flood.\n\n" + BODY
    plain = parsed(raw)
    assert plain.text == raw
    assert plain.title is None
    assert plain.source is None
    assert any("no publication date" in w for w in plain.warnings)
    assert any("--source" in w for w in plain.warnings)


@pytest.mark.parametrize(
    ("raw", "title", "source", "author", "body_start"),
    [
        ("Flood kills 26 in the valley\n\n" + BODY, "Flood kills 26 in the valley", None, None, 0),
        ("# Flood kills 26\n" + BODY, "Flood kills 26", None, None, 0),
        ("Flood kills 26\n \n\xa0\nReuters\n\n" + BODY, "Flood kills 26", "Reuters", None, 0),
        (
            "Flood kills 26\n\nBy Jane Doe, Reuters\n\n" + BODY,
            "Flood kills 26",
            "Reuters",
            "Jane Doe",
            0,
        ),
        ("By Jane Doe and John Roe\n" + BODY, None, None, "Jane Doe and John Roe", 0),
        # a headline needs a blank line after it; a bare outlet name needs a headline before it
        ("Flood kills 26\n" + BODY, None, None, None, None),
        ("Reuters\n\n" + BODY, None, None, None, None),
        # a dateline, a one-word line, and a lone headline without body are body text
        ("ANKARA, Turkey\n\n" + BODY, None, None, None, None),
        ("WASHINGTON (AP)\n\n" + BODY, None, None, None, None),
        (
            "RESCUE EFFORT BECOMES A SEARCH\n\n" + BODY,
            "RESCUE EFFORT BECOMES A SEARCH",
            None,
            None,
            0,
        ),
        ("Source: Reuters\n\n" + BODY, None, "Reuters", None, 0),
        ("Breaking\n\n" + BODY, None, None, None, None),
        ("Flood kills 26 in the valley\n", None, None, None, None),
    ],
)
def test_web_head_heuristics(
    raw: str, title: str | None, source: str | None, author: str | None, body_start: int | None
) -> None:
    record = parsed(raw)
    assert (record.title, record.source, record.author) == (title, source, author)
    expected_text = BODY if body_start is not None else raw.strip()
    assert record.text == expected_text


def test_web_head_date_line() -> None:
    record = parsed("Flood kills 26\n\nReuters\nJanuary 8, 2022\n\n" + BODY)
    assert record.source == "Reuters"
    assert record.published_text == "January 8, 2022"
    assert record.published == date(2022, 1, 8)
    assert record.text == BODY


# --------------------------------------------------------------------------- page furniture


def test_trailing_furniture_is_removed() -> None:
    raw = (
        BODY + "\n\nRelated: Floods in the valley\nCopyright 2022 Example Media.\n"
        "All rights reserved.\nSign up for our newsletter\n\nShare this article\n"
    )
    assert parsed(raw).text == BODY


def test_exact_furniture_is_removed_anywhere_keeping_one_paragraph_break() -> None:
    first, second = BODY.split("\n\n")
    raw = f"Advertisement\n\n{first}\n\nAdvertisement\n\n{second}\nLeave a reply.\n{second}"
    assert parsed(raw).text == f"{first}\n\n{second}\n{second}"


def test_pattern_furniture_inside_the_article_is_kept() -> None:
    raw = "Related: the dam was built in 1990.\n\n" + BODY
    assert parsed(raw).text == raw


def test_only_furniture_is_an_error() -> None:
    record = parse_article("Leave a Reply\n\nSend this to a friend", "test.txt")
    assert isinstance(record, ReadError)
    assert "page furniture" in record.message


# --------------------------------------------------------------------------- text and hash


def test_crlf_bom_and_overrides_do_not_change_text_or_hash(tmp_path: Path) -> None:
    lf = tmp_path / "lf.txt"
    lf.write_text("source: Reuters\ndate: 2022-01-08\n\n" + BODY + "\n", encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(
        b"\xef\xbb\xbf"
        + ("title: Flood\nsource: AFP\n\n" + BODY).replace("\n", "\r\n").encode("utf-8")
    )
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("  " + BODY.replace(" ", "  \t") + "\n\n\n", encoding="utf-8")
    overrides = Overrides(source="Example", title="T", author="A", published=date(2020, 1, 1))
    first, second = article(lf), article(crlf, overrides)
    assert first.text == second.text == BODY
    assert "\r" not in second.text
    assert first.content_hash == second.content_hash == article(spaced).content_hash
    assert first.content_hash != parsed(BODY + " More.").content_hash


def test_text_is_nfc() -> None:
    assert parsed("Cafe\u0301 owners said 3 died.").text == "Caf\u00e9 owners said 3 died."


whitespace = st.text(alphabet=" \t\n\r\xa0", min_size=1, max_size=3)


@given(
    words=st.lists(st.text(alphabet="abcXYZ019,;", min_size=1, max_size=8), min_size=1),
    gaps=st.data(),
)
def test_content_hash_ignores_whitespace_layout(words: list[str], gaps: st.DataObject) -> None:
    spaced = "".join(word + gaps.draw(whitespace) for word in words)
    assert content_hash(spaced) == content_hash(" ".join(words))


@given(st.text(max_size=300))
def test_parse_article_never_raises(raw: str) -> None:
    record = parse_article(raw, "fuzz.txt")
    if isinstance(record, ArticleInput):
        assert record.text and record.text == record.text.strip()
        assert "\r" not in record.text
    else:
        assert record.message


def test_overrides_win_over_header() -> None:
    overrides = Overrides(
        source="Example Daily", title="Own title", author="Jane Doe", published=date(2020, 5, 1)
    )
    record = parse_article(SEED_000.read_text(encoding="utf-8"), "seed", overrides)
    assert isinstance(record, ArticleInput)
    assert record.source == "Example Daily"
    assert record.title == "Own title"
    assert record.author == "Jane Doe"
    assert record.published == date(2020, 5, 1)
    assert record.published_text == "2022-01-08"
    assert record.distributor == "TNS"


def test_date_override_silences_the_missing_date_warning() -> None:
    record = article(SEED_001, Overrides(published=date(2022, 1, 8)))
    assert record.published == date(2022, 1, 8)
    assert record.warnings == ()


# --------------------------------------------------------------------------- inputs


def test_directory_recursion_order_and_filters(tmp_path: Path) -> None:
    (tmp_path / "sub/deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ["b.txt", "a.md", "sub/c.txt", "sub/deeper/d", "sub/e.TXT", "z.txt"]:
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    for name in [".hidden.txt", ".git/config.txt", "photo.png", "data.json"]:
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    root = str(tmp_path)
    records = list(iter_articles([root]))
    expected = ["a.md", "b.txt", "sub/c.txt", "sub/deeper/d", "sub/e.TXT", "z.txt"]
    assert [r.origin for r in records] == [os.path.join(root, name) for name in expected]
    assert all(isinstance(r, ArticleInput) for r in records)
    assert count_inputs([root]) == len(expected)


def test_explicit_file_with_any_extension_is_read(tmp_path: Path) -> None:
    path = tmp_path / "article.html"
    path.write_text(BODY, encoding="utf-8")
    assert article(path).text == BODY


def test_errors_do_not_stop_iteration(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    missing = str(tmp_path / "missing.txt")
    paths = [missing, str(good), str(SEED_001)]
    records = list(iter_articles(paths))
    assert [type(r) for r in records] == [ReadError, ArticleInput, ArticleInput]
    assert count_inputs(paths) == 3


def test_stdin_bytes() -> None:
    stdin = io.BytesIO(b"\xef\xbb\xbfdate 2022-01-08 Jane Doe / Reuters\r\n\r\n" + BODY.encode())
    (record,) = iter_articles(["-"], stdin=stdin)
    assert isinstance(record, ArticleInput)
    assert record.origin == "<stdin>"
    assert (record.source, record.author, record.published) == (
        "Reuters",
        "Jane Doe",
        date(2022, 1, 8),
    )
    assert record.text == BODY


def test_stdin_text_and_named_twice() -> None:
    records = list(iter_articles(["-", "-"], stdin=io.StringIO(BODY)))
    assert isinstance(records[0], ArticleInput)
    assert records[0].text == BODY
    assert isinstance(records[1], ReadError)
    assert "more than once" in records[1].message
    assert count_inputs(["-", "-"]) == 2


def test_stdin_not_utf8() -> None:
    (record,) = iter_articles(["-"], stdin=io.BytesIO(b"caf\xe9 owners"))
    assert isinstance(record, ReadError)
    assert record.origin == "<stdin>"
    assert "0xe9 at offset 3" in record.message


# --------------------------------------------------------------------------- errors


def test_missing_path(tmp_path: Path) -> None:
    record = error(tmp_path / "nope.txt")
    assert record.message == "no such file or directory; check the path"


def test_binary_file_with_nul(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"record\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert error(path).message.startswith("binary file (contains NUL bytes)")


def test_a_known_binary_format_is_named(tmp_path: Path) -> None:
    """An image (or archive, office document …) saved as .txt is named by its first bytes."""
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert error(path).message.startswith("a PNG image, not an article; factdb reads text")


def test_binary_file_without_nul(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(1, 256)) * 4)
    assert error(path).message.startswith("binary file (mostly non-text bytes)")


def test_not_utf8_reports_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Title\n\nThe café owners said 3 died.".encode("latin-1"))
    record = error(path)
    assert record.message.startswith("not UTF-8 text (invalid byte 0xe9 at offset 14);")
    assert "convert it to UTF-8" in record.message
    assert record.line == 3


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(BODY.encode("utf-16"))
    assert error(path).message.startswith("UTF-16 text, not UTF-8")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert error(path).message == "empty file: nothing to ingest"


@pytest.mark.parametrize("content", [b" \n\t\r\n", b"\xef\xbb\xbf\n", "\xa0\n".encode()])
def test_whitespace_only_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert error(path).message.startswith("empty file")


def test_header_without_body(tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text("source: Reuters\ndate: 2022-01-08\ntitle: Flood\n\n\n", encoding="utf-8")
    record = error(path)
    assert "header but no article text" in record.message
    assert record.line == 3


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images/photo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".notes.txt").write_text(BODY, encoding="utf-8")
    root = str(tmp_path)
    assert error(root).message.startswith("no article files (*.txt, *.md, *.html")
    assert count_inputs([root]) == 1


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root (CI) chmod 000 does not stop reading, so the OS refusal is simulated."""
    path = tmp_path / "secret.txt"
    path.write_text(BODY, encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    record = error(path)
    assert record.message.startswith("permission denied")


# --------------------------------------------------------------------------- the corpus


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus not present")
def test_corpus_parses() -> None:
    records = list(iter_articles([str(CORPUS)]))
    assert len(records) == count_inputs([str(CORPUS)]) >= 40
    for record in records:
        assert isinstance(record, ArticleInput), record
        header = Path(record.origin).read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert record.source, record.origin
        assert record.title, record.origin
        assert record.text and not record.text.startswith("source:")
        if "date: unknown" in header:
            assert record.published is None
        else:
            assert record.published is not None, record.origin
