"""Importing CMS export files (Pressfeed.import_files / import_records / import_configured)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pressfeed.clock import Clock, fixed
from pressfeed.config import StoreConfig, load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import InputError
from pressfeed.imports import configured_files
from pressfeed.model import ArticleFilter, Status

NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
TAG = "tag:example-portal.kr,2025:article/"

ARTICLES = """\
# CMS export: 정치/경제
id: "1001"
title: 국회, 내년도 예산안 심사 착수
section: 정치
published: 2025-11-08 09:00:00
link: /news/articleView.html?idxno=1001
body_html: |
  <p>국회 예산결산특별위원회가 심사에 들어갔다.</p>
---
id: "1002"
title: 반도체 &amp; 배터리 <b>수출</b> 역대 최대
section: 경제
published: 2025-11-07 15:30:00
link: /news/articleView.html?idxno=1002
body_html: |
  <p>10월 반도체 수출이 역대 최대를 기록했다.</p>
  <p>[뉴스출처 : 산업통상자원부]</p>
---
id: "1003"
title: 6G 상용화 기술개발 착수
section: IT·과학
published: 2025-11-05 16:40:00
updated: 2025-11-05 18:00:00
link: /news/articleView.html?idxno=1003
body_html: <p>과기정통부는 6G 기술개발에 착수했다.</p>
"""

IDS = (f"{TAG}1001", f"{TAG}1002", f"{TAG}1003")


def record(n: int, **fields) -> dict:
    data = {
        "id": str(n),
        "title": f"기사 {n}",
        "section": "사회",
        "published": "2025-11-08T09:00:00+09:00",
        "link": f"/news/articleView.html?idxno={n}",
        "body_html": f"<p>본문 {n}</p>",
    }
    data.update(fields)
    return data


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def line_no(text: str, fragment: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def problems(error: InputError) -> list[tuple[str, int | None, str]]:
    return [(p.file, p.line, p.field) for p in error.problems]


# -- YAML, re-import, updates ---------------------------------------------------


def test_import_yaml_multi_document_file(pf, site, write):
    path = write(site, "feeds/articles/news.yaml", ARTICLES)

    result = pf.import_files([str(path)])

    assert (result.created, result.created_ids) == (3, IDS)
    assert (result.updated, result.unchanged, result.files) == (0, 0, 1)
    assert result.summary() == "import: 1 file, 3 new, 0 updated, 0 unchanged"
    assert pf.store.count() == 3
    stored = pf.store.get(f"{TAG}1002")
    assert stored is not None
    assert stored.origin == "cms"
    assert stored.article.title == "반도체 & 배터리 수출 역대 최대"
    assert stored.article.section == "economy"
    assert stored.article.published == datetime(2025, 11, 7, 6, 30, tzinfo=UTC)
    assert stored.article.body_html == "<p>10월 반도체 수출이 역대 최대를 기록했다.</p>"
    assert stored.article.source is not None
    assert stored.article.source.credit == "[뉴스출처 : 산업통상자원부]"
    assert pf.store.get(f"{TAG}1003").article.section == "it-science"


def test_reimport_same_file_changes_nothing(pf, site, write):
    path = write(site, "feeds/articles/news.yaml", ARTICLES)
    pf.import_files([str(path)])
    before = {i: pf.store.get(i) for i in IDS}

    result = pf.import_files([str(path)])

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = {i: pf.store.get(i) for i in IDS}
    for article_id in IDS:
        assert after[article_id].article.updated == before[article_id].article.updated
        assert after[article_id].seq == before[article_id].seq
        assert after[article_id] == before[article_id]


def test_changed_body_is_updated_at_clock_time(pf, site, write):
    path = write(site, "feeds/articles/news.yaml", ARTICLES)
    pf.import_files([str(path)])
    old = pf.store.get(f"{TAG}1001")
    assert old.article.updated == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)

    write(site, "feeds/articles/news.yaml", ARTICLES.replace("심사에 들어갔다.", "본격적인 심사에 들어갔다."))
    result = pf.import_files([str(path)])

    assert result.created == 0
    assert (result.updated, result.updated_ids) == (1, (f"{TAG}1001",))
    assert result.unchanged == 2
    new = pf.store.get(f"{TAG}1001")
    assert new.article.body_html == "<p>국회 예산결산특별위원회가 본격적인 심사에 들어갔다.</p>"
    assert new.article.updated == NOW
    assert new.article.published == old.article.published
    assert new.seq > old.seq


def test_changed_body_with_explicit_updated_keeps_record_time(pf, site, write):
    path = write(site, "feeds/articles/news.yaml", ARTICLES)
    pf.import_files([str(path)])

    write(site, "feeds/articles/news.yaml", ARTICLES.replace("기술개발에 착수했다.", "기술개발에 본격 착수했다."))
    result = pf.import_files([str(path)])

    assert result.updated_ids == (f"{TAG}1003",)
    # 2025-11-05 18:00 KST from the record, not the clock
    assert pf.store.get(f"{TAG}1003").article.updated == datetime(2025, 11, 5, 9, 0, tzinfo=UTC)


def test_changed_body_with_an_explicit_updated_before_the_stored_one_is_dated_after_it(pf, site, write):
    """Readers take a version as newer by its `updated`: new text under an earlier date would never reach them."""
    path = write(site, "feeds/articles/news.yaml", ARTICLES)
    pf.import_files([str(path)])
    stored = pf.store.get(f"{TAG}1003").article.updated
    assert stored == datetime(2025, 11, 5, 9, 0, tzinfo=UTC)
    earlier = ARTICLES.replace("updated: 2025-11-05 18:00:00", "updated: 2025-11-04 18:00:00")
    write(site, "feeds/articles/news.yaml", earlier.replace("기술개발에 착수했다.", "기술개발에 본격 착수했다."))
    assert pf.import_files([str(path)]).updated_ids == (f"{TAG}1003",)
    assert pf.store.get(f"{TAG}1003").article.updated == stored + timedelta(seconds=1)
    # the same export again changes nothing; the text changed back, under that earlier date, is dated after
    assert pf.import_files([str(path)]).updated == 0
    write(site, "feeds/articles/news.yaml", earlier)
    pf.import_files([str(path)])
    assert pf.store.get(f"{TAG}1003").article.updated == stored + timedelta(seconds=2)


def test_a_stored_updated_from_the_future_gives_way_to_the_records(pf, site, write, clock):
    """Typed wrong before imports refused such dates (2027 for 2025): the corrected record's date stands."""
    path = write(
        site,
        "feeds/articles/news.yaml",
        ARTICLES.replace("updated: 2025-11-05 18:00:00", "updated: 2027-11-05 18:00:00"),
    )
    with Pressfeed(load_config(site), clock=fixed(datetime(2028, 1, 1, tzinfo=UTC))) as then:
        then.import_files([str(path)])
    write(site, "feeds/articles/news.yaml", ARTICLES)
    assert pf.import_files([str(path)]).updated_ids == (f"{TAG}1003",)
    assert pf.store.get(f"{TAG}1003").article.updated == datetime(2025, 11, 5, 9, 0, tzinfo=UTC)


def test_a_scheduled_article_brought_forward_is_dated_now_not_at_its_old_schedule(pf, site, write):
    """Its schedule was its `updated`; kept, the item went out dated ahead of the clock, and a release coming
    back under the guid it took was dated before it (found by the story machine)."""
    path = write(site, "feeds/articles/news.yaml", ARTICLES.replace("2025-11-08 09:00:00", "2025-11-08 22:00:00"))
    pf.import_files([str(path)])
    assert pf.store.get(f"{TAG}1001").article.updated == datetime(2025, 11, 8, 13, 0, tzinfo=UTC)  # ahead of NOW
    write(site, "feeds/articles/news.yaml", ARTICLES.replace("2025-11-08 09:00:00", "2025-11-08 20:30:00"))

    assert pf.import_files([str(path)]).updated_ids == (f"{TAG}1001",)
    article = pf.store.get(f"{TAG}1001").article
    assert (article.published, article.updated) == (datetime(2025, 11, 8, 11, 30, tzinfo=UTC), NOW)


def test_status_only_change_keeps_updated(pf, site, write):
    path = write(site, "feeds/articles/news.yaml", ARTICLES)
    pf.import_files([str(path)])
    old = pf.store.get(f"{TAG}1001")

    hidden = ARTICLES.replace("idxno=1001\n", "idxno=1001\nstatus: hidden\n")
    write(site, "feeds/articles/news.yaml", hidden)
    result = pf.import_files([str(path)])

    assert result.updated_ids == (f"{TAG}1001",)
    assert result.unchanged == 2
    new = pf.store.get(f"{TAG}1001")
    assert new.article.status is Status.HIDDEN
    assert new.article.updated == old.article.updated == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)
    assert new.content_hash == old.content_hash


# -- JSON formats -----------------------------------------------------------------


def test_import_json_array(pf, site, write):
    path = write(site, "export.json", json.dumps([record(1), record(2)], ensure_ascii=False, indent=2))
    result = pf.import_files([str(path)])
    assert result.created_ids == (f"{TAG}1", f"{TAG}2")
    assert pf.store.get(f"{TAG}2").article.section == "society"
    assert pf.store.get(f"{TAG}2").article.published == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)


def test_import_json_lines(pf, site, write):
    text = dumps(record(1)) + "\n\n" + dumps(record(2)) + "\n" + dumps(record(3)) + "\n"
    path = write(site, "export.jsonl", text)
    result = pf.import_files([str(path)])
    assert result.created_ids == (f"{TAG}1", f"{TAG}2", f"{TAG}3")
    assert pf.store.count() == 3


def test_import_single_json_object(pf, site, write):
    path = write(site, "one.json", dumps(record(7, title="단독 &amp; 속보")))
    result = pf.import_files([str(path)])
    assert result.created_ids == (f"{TAG}7",)
    assert pf.store.get(f"{TAG}7").article.title == "단독 & 속보"


def test_import_several_files_at_once(pf, site, write):
    a = write(site, "a.json", dumps(record(1)))
    b = write(site, "b.jsonl", dumps(record(2)) + "\n")
    result = pf.import_files([str(a), str(b)])
    assert result.created_ids == (f"{TAG}1", f"{TAG}2")
    assert result.files == 2


# -- errors: every bad field, with file and line; nothing imported ------------------


BAD_YAML = """\
id: "2001"
title: 정상 기사
section: 정치
published: 2025-11-08 09:00:00
link: /news/articleView.html?idxno=2001
---
id: "2002"
title: 섹션이 잘못된 기사
section: 연예
published: 2025-11-08 09:00:00
link: /news/articleView.html?idxno=2002
---
id: "2003"
title: 정상 기사 2
section: 사회
published: 2025-11-08 10:00:00
link: /news/articleView.html?idxno=2003
---
id: "2004"
title: 날짜와 상태가 잘못된 기사
section: 경제
published: 어제 오후
status: deleted
link: /news/articleView.html?idxno=2004
"""


def test_bad_yaml_records_reported_and_nothing_imported(pf, site, write):
    pf.import_files([str(write(site, "first.json", dumps(record(1))))])
    path = write(site, "feeds/articles/bad.yaml", BAD_YAML)

    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])

    name = str(path)
    assert problems(info.value) == [
        (name, line_no(BAD_YAML, "section: 연예"), "section"),
        (name, line_no(BAD_YAML, "published: 어제 오후"), "published"),
        (name, line_no(BAD_YAML, "status: deleted"), "status"),
    ]
    messages = [p.message for p in info.value.problems]
    assert messages[0] == "unknown section '연예' (see `pressfeed sections`)"
    assert str(info.value).splitlines()[0] == "3 invalid record field(s), nothing imported:"
    assert f"{name}:9: section: unknown section '연예'" in str(info.value)
    # the valid records of the file were not imported either
    assert pf.store.count() == 1
    assert pf.store.get(f"{TAG}2001") is None
    assert pf.store.get(f"{TAG}2003") is None


def test_missing_field_reported_at_record_start(pf, site, write):
    text = (
        'id: "1"\ntitle: 하나\nsection: 정치\npublished: 2025-11-08 09:00:00\nlink: /n/1\n---\n'
        '# 제목 없는 기사\nid: "2"\nsection: 정치\npublished: 2025-11-08 09:00:00\nlink: /n/2\n'
    )
    path = write(site, "missing.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), line_no(text, 'id: "2"'), "title")]
    assert info.value.problems[0].message == "required and must not be empty"


def test_an_id_too_long_for_a_guid_is_a_problem_at_its_line(pf, site, write):
    text = f'title: 기사\nsection: 사회\nid: "{"9" * 5_000}"\npublished: 2025-11-08 09:00:00\nlink: /n/9\n'
    path = write(site, "feeds/articles/long-id.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 3, "id")]
    assert info.value.problems[0].message == (
        "5,000 characters, more than the 200 allowed (it is the article's guid in every feed)"
    )
    assert pf.store.count() == 0


def test_a_url_with_a_password_is_a_problem_at_its_line_and_never_echoed(pf, site, write):
    text = (
        "id: p1\ntitle: 기사\nsection: 사회\npublished: 2025-11-08 09:00:00\n"
        "link: https://editor:s3cret@www.example-portal.kr/news/1\nimages:\n  - url: /photo/1.jpg\n"
        "source:\n  name: 과학기술정보통신부\n  url: https://user:s3cret@www.msit.go.kr/bbs/view.do?id=1\n"
    )
    path = write(site, "feeds/articles/password.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 5, "link"), (str(path), 8, "source.url")]
    assert info.value.problems[0].message == (
        "'https://***@www.example-portal.kr/news/1' has a user name or password in it: remove them"
        " (the URL is published)"
    )
    assert "s3cret" not in str(info.value)
    assert pf.store.count() == 0


def test_yaml_list_of_records_reports_item_field_line(pf, site, write):
    text = "\n".join(
        [
            "- id: l1",
            "  title: 하나",
            "  section: 정치",
            "  published: 2025-11-08 09:00:00",
            "  link: /news/1",
            "- id: l2",
            "  title: 둘",
            "  section: 연예",
            "  published: 2025-11-08 09:00:00",
            "  link: /news/2",
            "",
        ]
    )
    path = write(site, "list.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 8, "section")]
    assert pf.store.count() == 0


def test_json_lines_bad_record_reports_its_line(pf, site, write):
    text = "\n".join([dumps(record(1)), "", dumps(record(2, section="연예")), dumps(record(3))]) + "\n"
    path = write(site, "export.jsonl", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 3, "section")]
    assert pf.store.count() == 0


def test_json_lines_missing_field_reports_its_line(pf, site, write):
    bad = record(2)
    del bad["title"]
    text = "\n".join([dumps(record(1)), dumps(bad)]) + "\n"
    path = write(site, "export.jsonl", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 2, "title")]


def test_yaml_export_scalars_stay_what_they_say(pf, site, write):
    """YAML 1.1 read `id: 0123` as 83 (octal), taking article 83's id, `1:30` as 90 and a tag `yes` as True."""
    text = (
        "id: 0123\ntitle: 기사\nsubtitle: 1:30\nsection: 사회\npublished: 2025-11-08 09:00\n"
        "link: /news/articleView.html?idxno=123\nbody_html: <p>본문</p>\ntags: [AI, yes, null, no]\n"
        "---\n"
        "id: 83\ntitle: 다른 기사\nsection: 사회\npublished: 2025-11-08 10:00\n"
        "link: /news/articleView.html?idxno=83\nbody_html: <p>본문</p>\n"
    )
    result = pf.import_files([str(write(site, "feeds/articles/typed.yaml", text))])
    assert result.created == 2
    first = pf.article(result.created_ids[0]).article
    assert first.id.endswith("/0123")
    assert (first.subtitle, first.tags) == ("1:30", ("AI", "yes", "no"))


@pytest.mark.parametrize(
    ("written", "message"),
    [
        # unquoted, YAML takes these for timestamps and PyYAML's datetime() raised with no line: a traceback
        ("2025-13-45", "invalid date '2025-13-45': month must be in 1..12"),
        ("2025-02-30 10:00:00", "invalid date '2025-02-30 10:00:00': day is out of range for month"),
        # a real date out of bounds is named as written, not as Python's repr of it
        ("1989-12-31", "implausible date '1989-12-31' (before 1990)"),
    ],
)
def test_an_impossible_unquoted_yaml_date_is_a_problem_at_its_line(pf, site, write, written, message):
    text = f"id: d1\ntitle: 기사\nsection: 사회\npublished: {written}\nlink: /news/1\nbody_html: <p>본문</p>\n"
    path = write(site, "feeds/articles/dates.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 4, "published")]
    assert info.value.problems[0].message == message
    assert pf.store.count() == 0


def test_a_date_of_numbers_no_calendar_holds_is_a_problem_at_its_line(pf, site, write):
    """RFC 822 parsing hands a year or hour of twenty digits to datetime(), which raises OverflowError, not
    ValueError: the import (and every cron `run` whose `imports:` held the file) ended in a traceback."""
    written = "Mon, 01 Jan 99999999999999999999 09:00:00 +0900"
    text = f"id: d2\ntitle: 기사\nsection: 사회\npublished: {written}\nlink: /news/2\nbody_html: <p>본문</p>\n"
    path = write(site, "feeds/articles/dates.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 4, "published")]
    assert info.value.problems[0].message == (f"unrecognized date {written!r} (use ISO 8601, e.g. 2025-11-08 09:00:00)")
    assert pf.store.count() == 0


def test_an_alias_to_an_impossible_yaml_date_is_that_text_too():
    """PyYAML left the failed node marked as under construction: the alias drew "unconstructable recursive node"."""
    from pressfeed.yamlfile import load_one

    assert load_one("a: &d 2025-13-45\nb: *d\n") == {"a": "2025-13-45", "b": "2025-13-45"}


def test_an_impossible_unquoted_yaml_date_where_text_is_wanted_is_that_text(pf, site, write):
    text = "id: d2\ntitle: 2025-13-45\nsection: 사회\npublished: 2025-11-08 09:00\nlink: /n/2\ntags: [2025-13-45]\n"
    result = pf.import_files([str(write(site, "feeds/articles/text.yaml", text))])
    article = pf.article(result.created_ids[0]).article
    assert (article.title, article.tags) == ("2025-13-45", ("2025-13-45",))


def test_the_config_keeps_yaml_11_booleans():
    """Operators write `agency_from_title: yes` in a config; only exports are read as data."""
    from pressfeed.yamlfile import load_one

    assert load_one("a: yes\nb: off\n") == {"a": True, "b": False}


def test_json_array_bad_record_reports_its_fields_line(pf, site, write):
    """A pretty-printed JSON export names the line of the bad field, as YAML does, not the record's `{`."""
    text = json.dumps([record(1), record(2, status="deleted", section="없는섹션")], ensure_ascii=False, indent=2)
    path = write(site, "export.json", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    numbered = list(enumerate(text.splitlines(), 1))
    second = [n for n, line in numbered if line == "  {"][1]
    status = next(n for n, line in numbered if n > second and line.strip().startswith('"status"'))
    section = next(n for n, line in numbered if n > second and line.strip().startswith('"section"'))
    assert sorted((p.field, p.line) for p in info.value.problems) == [("section", section), ("status", status)]


def test_json_field_lines_of_one_line_records_and_of_a_single_object(pf, site, write):
    """Records one to a line keep their line; a lone pretty-printed object names its field's line too."""
    text = "[" + json.dumps(record(1), ensure_ascii=False) + ",\n" + json.dumps(record(2, title=""), ensure_ascii=False)
    path = write(site, "export.json", text + "]\n")
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 2, "title")]
    single = write(site, "one.json", "\n\n" + json.dumps(record(3, title=""), ensure_ascii=False, indent=2))
    with pytest.raises(InputError) as info:
        pf.import_files([str(single)])
    assert problems(info.value) == [(str(single), 5, "title")]  # "{" on line 3, "id" on 4


def test_invalid_json_reports_line(pf, site, write):
    text = '[\n  {"id": "1",\n   "title": "하나",\n   oops}\n]\n'
    path = write(site, "broken.json", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 4, "record")
    assert problem.message == "invalid JSON: Expecting property name enclosed in double quotes"


def test_invalid_json_line_reports_line(pf, site, write):
    path = write(site, "broken.jsonl", dumps(record(1)) + '\n{"id": \n')
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, "record")
    assert problem.message.startswith("invalid JSON: ")
    assert pf.store.count() == 0


@pytest.mark.parametrize("workers", [0, 2])
def test_every_problem_of_a_json_lines_file_is_listed_past_an_unreadable_line(
    pf, site, write, workers, monkeypatch: pytest.MonkeyPatch
):
    """The README promises every problem: one invalid line hid the rest, one fix per cron cycle. With
    workers, in spans of a line or two, as a large file is read."""
    from pressfeed.imports import importer, read

    lines = [dumps(record(1)), '{"id": "2", oops}', dumps(record(3)), dumps(record(4, title=""))]
    lines += ["[1, 2]", dumps(record(6)), dumps(record(7, section="연예"))]
    path = write(site, "broken.jsonl", "\n".join(lines) + "\n")
    monkeypatch.setattr(read, "SPAN_BYTES", 200)
    monkeypatch.setattr(importer, "POOL_MIN_BYTES", 300)  # two spans: a pool when workers are given
    imp = importer.Importer(pf.store, pf.context, NOW, workers=workers)
    imp.add(importer.read_file(str(path)))
    assert [(p.file, p.line, p.field) for p in imp.problems] == [
        (str(path), 2, "record"),
        (str(path), 4, "title"),
        (str(path), 5, "record"),
        (str(path), 7, "section"),
    ]
    assert pf.store.count() == 0


def test_a_file_that_is_no_json_lines_stops_after_a_few_lines(pf, site, write):
    path = write(site, "notes.jsonl", "".join(f"회의록 {n}줄\n" for n in range(1, 1001)))
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    found = problems(info.value)
    assert found[:-1] == [(str(path), n, "record") for n in range(1, 21)]
    assert found[-1] == (str(path), None, "file")
    assert info.value.problems[-1].message.startswith("20 lines are no JSON records: the rest of the file is not read")


def test_json_array_missing_comma_is_invalid(pf, site, write):
    text = "[\n" + dumps(record(1)) + "\n" + dumps(record(2)) + "\n]\n"
    path = write(site, "nocomma.json", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (3, "record")
    assert pf.store.count() == 0


def test_json_object_with_trailing_text_is_invalid(pf, site, write):
    path = write(site, "trailing.json", dumps(record(1)) + "\n" + dumps(record(2)) + "\n")
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "record")]
    assert pf.store.count() == 0


def test_invalid_yaml_reports_line(pf, site, write):
    text = 'id: "1"\ntitle: 하나\nsection: 정치\n  bad: indentation\n'
    path = write(site, "broken.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 4, "record")
    assert problem.message.startswith("invalid YAML: ")


def test_record_that_is_not_a_mapping(pf, site, write):
    path = write(site, "scalars.json", '[\n  {"id": "1"},\n  "문자열"\n]\n')
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert [(p.line, p.field, p.message) for p in info.value.problems] == [
        (3, "record", "must be a mapping of fields"),
    ]


def test_duplicate_id_within_a_file_names_both_locations(pf, site, write):
    text = ARTICLES + '---\nid: "1001"\ntitle: 중복\nsection: 정치\npublished: 2025-11-08 10:00:00\nlink: /n/x\n'
    path = write(site, "dup.yaml", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    second = line_no(text, "title: 중복") - 1
    assert (problem.file, problem.line, problem.field) == (str(path), second, "id")
    assert problem.message == f"duplicate of record 1 of {path} (line 2, id '{TAG}1001')"
    assert pf.store.count() == 0


def test_duplicate_id_across_files_in_one_import(pf, site, write):
    a = write(site, "a.json", dumps(record(5)))
    b = write(site, "b.json", dumps(record(5, title="다른 제목")))
    with pytest.raises(InputError) as info:
        pf.import_files([str(a), str(b)])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(b), 1, "id")
    assert problem.message == f"duplicate of record 1 of {a} (line 1, id '{TAG}5')"


def test_missing_file_reported(pf, site):
    path = site / "nope.json"
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert [(p.file, p.line, p.field, p.message) for p in info.value.problems] == [
        (str(path), None, "file", "not found"),
    ]


def test_a_pipe_a_device_or_a_folder_is_no_export(pf, site):
    """An attack's: `pressfeed import` of a named pipe waited for ever, of /dev/zero ate memory without end."""
    fifo = site / "export.jsonl"
    os.mkfifo(fifo)
    folder = site / "exports"
    folder.mkdir()
    with pytest.raises(InputError) as info:
        pf.import_files([str(fifo), "/dev/zero", str(folder)])
    assert [(p.file, p.message) for p in info.value.problems] == [
        (str(fifo), "is not a regular file (a pipe or a device): not read"),
        ("/dev/zero", "is not a regular file (a pipe or a device): not read"),
        (str(folder), "is not a regular file (a directory: give the export files in it): not read"),
    ]


def test_a_json_lines_file_of_one_endless_line_is_refused_unread(pf, site, write, monkeypatch):
    """An attack's: one 2 GiB line (a corrupt export) was read whole and copied: 4 GB of memory in every cron
    run, each holding the site lock, until someone deleted the file. A line is as long as a JSON record may
    be (cut here)."""
    from pressfeed.imports import read

    monkeypatch.setattr(read, "MAX_RECORD_CHARS", 64 * 1024)
    monkeypatch.setattr(read, "SPAN_BYTES", 16 * 1024)
    good = dumps(record(1))
    path = write(site, "big.jsonl", good + '{"id": 2, "title": "' + "x" * 200_000)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.file, problem.field) == (str(path), "file")
    assert problem.message.startswith("a line longer than 0 MiB: is it JSON Lines?")
    assert pf.store.count() == 0


def test_json_lines_ending_in_a_lone_cr_are_lines_to_the_cap_too(pf, site, monkeypatch):
    """A reviewer's: the cut between spans looked for "\n" only, so a file of lines ending in "\r" (which
    lines() reads as lines) was one endless line to the 64 MiB cap, and refused (cut here)."""
    from pressfeed.imports import read

    monkeypatch.setattr(read, "MAX_RECORD_CHARS", 4 * 1024)
    monkeypatch.setattr(read, "SPAN_BYTES", 2 * 1024)
    path = site / "mac.jsonl"
    records = [dumps(record(n)).rstrip("\n") for n in range(1, 41)]
    path.write_bytes("\r".join(records).encode() + b"\r")
    assert sum(1 for _ in read.line_spans(str(path), path)) > 1
    assert pf.import_files([str(path)]).created == 40


def test_problems_from_several_files_reported_together(pf, site, write):
    a = write(site, "a.jsonl", "{broken\n")
    b = write(site, "b.json", "[")
    good = write(site, "c.json", dumps(record(1)))
    with pytest.raises(InputError) as info:
        pf.import_files([str(a), str(b), str(good)])
    assert [(p.file, p.field) for p in info.value.problems] == [(str(a), "record"), (str(b), "record")]
    assert pf.store.count() == 0


# -- import_configured -------------------------------------------------------------


def test_import_configured_imports_globs_and_reports_bad_files(site, write, clock):
    config_file = site / "feeds" / "pressfeed.yaml"
    write(
        site,
        "feeds/pressfeed.yaml",
        config_file.read_text(encoding="utf-8") + "imports:\n  - feeds/articles/*.yaml\n  - exports/**/*.json\n",
    )
    write(site, "feeds/articles/a-news.yaml", ARTICLES)
    bad = write(site, "feeds/articles/b-bad.yaml", BAD_YAML)
    write(site, "exports/2025/11/c.json", dumps(record(9)))
    write(site, "feeds/articles/ignored.txt", "not matched by any glob")

    with Pressfeed(load_config(site), clock=clock) as pf:
        assert configured_files(pf.config.imports, pf.config.site_dir) == [
            site.resolve() / "exports/2025/11/c.json",
            site.resolve() / "feeds/articles/a-news.yaml",
            site.resolve() / "feeds/articles/b-bad.yaml",
        ]
        result = pf.import_configured()

        assert (result.created, result.created_ids) == (4, (f"{TAG}9", *IDS))
        assert (result.updated, result.unchanged, result.files) == (0, 0, 2)
        [failure] = result.failures
        assert failure.file == str(bad.resolve())
        assert [(p.line, p.field) for p in failure.problems] == [
            (9, "section"),
            (22, "published"),
            (23, "status"),
        ]
        assert pf.store.count() == 4
        assert pf.store.get(f"{TAG}2001") is None
        # the other files went in: the line cron mails says it is this file's records that did not
        assert str(failure).splitlines()[0] == (
            f"import failed: {bad.resolve()}: nothing of this file imported (3 invalid record field(s)):"
        )

        again = pf.import_configured()
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        assert len(again.failures) == 1


def test_a_configured_file_that_is_not_there_is_a_failure(site, write, clock):
    """A typo (economy.yml) or a renamed export stopped every import of it in silence: a run said "0 files"
    and exited 0. A glob that matches nothing is no failure: an export folder may be empty for a while."""
    config_file = site / "feeds" / "pressfeed.yaml"
    imports = "imports:\n  - feeds/articles/economy.yml\n  - exports/*.json\n  - feeds/articles/a-news.yaml\n"
    write(site, "feeds/pressfeed.yaml", config_file.read_text(encoding="utf-8") + imports)
    write(site, "feeds/articles/a-news.yaml", ARTICLES)
    with Pressfeed(load_config(site), clock=clock) as pf:
        result = pf.import_configured()
    missing = str(site.resolve() / "feeds/articles/economy.yml")
    assert (result.created, result.ok) == (3, False)
    [failure] = result.failures
    assert (failure.file, failure.problems) == (missing, ())
    assert str(failure) == f"import failed: {missing}: no such file (named in the config's imports:)"
    assert result.to_json()["failures"] == [{"file": missing, "error": failure.error, "problems": []}]


def test_a_recursive_imports_glob_never_takes_the_sites_own_feeds_for_exports(site, write, clock):
    """`imports: ["**/*.json"]` (exports in dated folders) also matches output.dir's feed.json files: from the
    second run on, every JSON Feed pressfeed wrote was read back as a CMS export and failed, so every cron run
    exited 1 and mailed five "import failed: public/…/feed.json" — and `check` said nothing of it."""
    config_file = site / "feeds" / "pressfeed.yaml"
    write(site, "feeds/pressfeed.yaml", config_file.read_text(encoding="utf-8") + "imports: ['**/*.json']\n")
    write(site, "exports/2025/11/a.json", dumps(record(1)))
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.run()
        assert (site / "public" / "feed.json").is_file()
        imported = pf.run().imported
    assert [f.file for f in imported.failures] == []
    assert (imported.files, imported.unchanged) == (1, 1)


def test_json_lines_not_utf8_is_an_input_error(pf: Pressfeed, site: Path) -> None:
    path = site / "feeds" / "articles" / "euc.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes('{"title": "한글"}\n'.encode("euc-kr"))
    with pytest.raises(InputError) as caught:
        pf.import_files([str(path)])
    assert "not UTF-8" in str(caught.value)
    assert pf.store.count() == 0


def test_large_import_is_streamed_in_chunks_and_still_all_or_nothing(
    pf: Pressfeed, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad record after the first chunk was written still rolls everything back."""
    from pressfeed.imports import importer, read

    monkeypatch.setattr(read, "SPAN_BYTES", 8 * 1024)  # many spans: the bad record's line counts them all

    path = site / "feeds" / "articles" / "many.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    good = [
        json.dumps(
            {
                "id": f"n{i}",
                "title": f"기사 {i}",
                "section": "사회",
                "published": "2025-11-08 09:00:00",
                "link": f"/news/{i}",
                "body_html": f"<p>본문 {i}</p>",
            },
            ensure_ascii=False,
        )
        for i in range(importer.CHUNK + 10)
    ]
    bad = json.dumps({"id": "bad", "title": "", "section": "사회", "published": "2025-11-08", "link": "/b"})
    path.write_text("\n".join([*good, bad]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        pf.import_files([str(path)])
    assert [(p.line, p.field) for p in caught.value.problems] == [(importer.CHUNK + 11, "title")]
    assert pf.store.count() == 0
    path.write_text("\n".join(good) + "\n", encoding="utf-8")
    assert pf.import_files([str(path)]).created == importer.CHUNK + 10


def test_pooled_import_matches_inline_import(
    site: Path, config: object, clock: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large imports may normalize in worker processes; the stored result must not differ."""
    from pressfeed import workers as worker_module
    from pressfeed.imports import importer

    pools: list[int] = []
    real_pool = worker_module.ProcessPoolExecutor

    def counting_pool(*args: object, **kwargs: object) -> object:
        pools.append(int(kwargs["max_workers"]))  # type: ignore[call-overload]
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker_module, "ProcessPoolExecutor", counting_pool)
    from pressfeed.imports import read

    monkeypatch.setattr(read, "SPAN_BYTES", 16 * 1024)  # the file in several spans, and spans take the pool
    monkeypatch.setattr(importer, "POOL_MIN_BYTES", 32 * 1024)
    from pressfeed.clock import Clock
    from pressfeed.config import Config
    from pressfeed.model import ArticleFilter

    assert isinstance(config, Config) and isinstance(clock, Clock)
    path = site / "feeds" / "articles" / "many.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "id": f"p{i}",
                "title": f"기사 {i} R&D <AI 기본법>",
                "section": ["사회", "IT/과학"][i % 2],
                "published": "2025-11-08 09:00:00",
                "link": f"/news/{i}",
                "body_html": f'<p>본문 {i} <img src="/p/{i}.jpg"><script>x()</script></p>',
            },
            ensure_ascii=False,
        )
        for i in range(importer.CHUNK + 5)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stored = {}
    data: dict[int, list[str]] = {}
    for workers in (0, 2):
        store_dir = site / f"store-{workers}"
        cfg = replace(config, store=StoreConfig(path=store_dir / "p.db"))
        with Pressfeed(cfg, clock=clock) as pf:
            imp = importer.Importer(pf.store, pf.context, clock.now(), workers=workers)
            with pf.store.transaction():
                imp.add(importer.read_file(str(path)))
            assert imp.problems == []
            stored[workers] = [(s.article, s.content_hash) for s in pf.store.articles(ArticleFilter())]
            # the row's JSON goes in as UTF-8 bytes, cast: stored as TEXT, the same text either way
            rows = pf.store.db.execute("SELECT typeof(data), data FROM article ORDER BY id").fetchall()  # type: ignore[attr-defined]
            assert {kind for kind, _ in rows} == {"text"}
            data[workers] = [text for _, text in rows]
    assert pools == [2]
    assert len(stored[0]) == importer.CHUNK + 5
    assert stored[2] == stored[0]
    assert data[2] == data[0]


def test_json_lines_may_hold_raw_line_separators_inside_strings(pf: Pressfeed) -> None:
    """json.dumps(ensure_ascii=False) writes U+2028 raw; only "\\n" ends a JSON Lines record."""
    from pressfeed.imports import read_records

    record = {"id": "ls", "title": "줄\u2028바꿈", "section": "사회", "published": "2025-11-08", "link": "/ls"}
    text = json.dumps(record, ensure_ascii=False) + "\n"
    assert "\u2028" in text
    result = pf.import_records(read_records("<stdin>.jsonl", text))
    assert result.created == 1


def test_duplicate_ids_on_one_line_are_reported_by_record(pf: Pressfeed, site: Path, write) -> None:
    """A one-line JSON array puts every record on line 1; duplicates must still be found."""
    path = write(site, "one-line.json", json.dumps([record(7), record(7, title="다른 제목")], ensure_ascii=False))
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 1, "id")
    assert problem.message == f"duplicate of record 1 of {path} (line 1, id '{TAG}7')"
    assert pf.store.count() == 0


# -- configured exports that did not change ------------------------------------------


@pytest.fixture
def configured(site: Path, write) -> Path:
    """A site whose config imports feeds/articles/*.yaml."""
    config_file = site / "feeds" / "pressfeed.yaml"
    write(site, "feeds/pressfeed.yaml", config_file.read_text(encoding="utf-8") + "imports: [feeds/articles/*.yaml]\n")
    return write(site, "feeds/articles/a.yaml", ARTICLES)


def counting_imports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files import_configured really reads, in order."""
    from pressfeed.imports import importer

    read: list[str] = []
    real = importer.import_files

    def spy(store, ctx, now, paths, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.extend(paths)
        return real(store, ctx, now, paths, *args, **kwargs)

    monkeypatch.setattr(importer, "import_files", spy)
    return read


def summary(result) -> tuple[int, int, int, int, int]:  # type: ignore[no-untyped-def]
    return (result.files, result.created, result.updated, result.unchanged, result.deleted)


def test_an_unchanged_export_is_not_read_again_and_counts_as_unchanged(site, configured, clock, monkeypatch):
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        assert summary(pf.import_configured()) == (1, 3, 0, 0, 0)
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)
    assert read == [str(configured.resolve())]


def test_one_id_in_two_configured_exports_is_not_updated_back_and_forth_on_every_run(site, configured, write):
    """`pressfeed import a b` refuses an id given by two files; `run` imports its exports one by one and took
    each file's version in turn: every run, with no export changed, updated the article twice, dated it anew
    and rewrote its feeds, and said nothing of the two exports that disagree."""
    write(site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("심사에 들어갔다", "심사를 시작했다"))
    times = [NOW]
    with Pressfeed(load_config(site), clock=Clock(lambda: times[0])) as pf:
        first = pf.import_configured()
        dated = pf.article(f"{TAG}1001").article.updated
        times[0] = NOW + timedelta(minutes=5)  # the next cron run
        again = pf.import_configured()
        assert (again.updated, pf.article(f"{TAG}1001").article.updated) == (0, dated)
        assert first.failures or again.failures  # the two exports that give 1001 are named


def test_exports_that_disagreed_are_skipped_again_once_they_agree(site, configured, write, clock, monkeypatch):
    """While two exports give one id, every export is read at each run (a skipped one's ids would not be met);
    once the second no longer gives it, it goes in, and the next run skips the unchanged exports again."""
    other = write(
        site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("심사에 들어갔다", "심사를 시작했다")
    )
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        assert [f.file for f in pf.import_configured().failures] == [str(other)]
        assert [f.file for f in pf.import_configured().failures] == [str(other)]
        assert [Path(p).name for p in read] == ["a.yaml", "b.yaml", "a.yaml", "b.yaml"]
        write(site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("1001", "1009"))
        assert pf.import_configured().failures == ()
        read.clear()
        assert pf.import_configured().failures == ()
        assert read == []  # both unchanged: skipped again


def test_an_export_the_cms_moves_away_while_run_imports_it_fails_no_run(site, configured, clock, monkeypatch, write):
    """A CMS (or an rsync --remove-source-files) that archives an export once it is picked up moves it while a
    large import of it still runs. The import went in, yet hashing the file again to remember it raised
    FileNotFoundError out of import_configured: `run` stopped there with exit 74 ("store or disk"), nothing
    ingested or built, where a file's problem is exit 1 with the rest still done."""
    from pressfeed.imports import importer

    other = write(site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("1001", "1004"))
    real = importer.import_files

    def then_archived(store, ctx, now, paths, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(store, ctx, now, paths, *args, **kwargs)
        if paths == [str(configured.resolve())]:
            configured.rename(configured.with_suffix(".done"))
        return result

    monkeypatch.setattr(importer, "import_files", then_archived)
    with Pressfeed(load_config(site), clock=clock) as pf:
        result = pf.import_configured()
        assert result.created == 4
        assert pf.store.get(f"{TAG}1004") is not None  # the export after it went in too
    assert other.exists()


def test_a_json_lines_export_removed_halfway_through_its_import_fails_that_file_not_the_run(
    site, write, clock, monkeypatch
):
    """JSON Lines are read a span at a time, each span opening the file again by name: an export the CMS
    removes (or rotates) while it is read raised FileNotFoundError out of import_configured, and `run`
    stopped with exit 74, nothing ingested or built, instead of reporting that file (exit 1)."""
    from pressfeed.imports import read

    config_file = site / "feeds" / "pressfeed.yaml"
    write(site, "feeds/pressfeed.yaml", config_file.read_text(encoding="utf-8") + "imports: [exports/*.jsonl]\n")
    export = write(site, "exports/a.jsonl", "".join(dumps(record(n)) + "\n" for n in range(1, 41)))
    monkeypatch.setattr(read, "SPAN_BYTES", 1024)
    real = read.LineSpan.lines

    def then_removed(span):  # type: ignore[no-untyped-def]
        lines = real(span)
        export.unlink(missing_ok=True)  # the CMS rotates its export while the first span is normalized
        return lines

    monkeypatch.setattr(read.LineSpan, "lines", then_removed)
    with Pressfeed(load_config(site), clock=clock) as pf:
        result = pf.import_configured()
        [failure] = result.failures
        assert failure.file == str(export.resolve())
        assert pf.store.count() == 0  # all or nothing, as for any bad file


def test_a_changed_export_is_read_even_with_its_old_size_and_mtime(site, configured, clock, monkeypatch, write):
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        stat = configured.stat()
        write(site, "feeds/articles/a.yaml", ARTICLES.replace("착수했다", "착수한다"))
        os.utime(configured, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert configured.stat().st_size == stat.st_size
        assert summary(pf.import_configured()) == (1, 0, 1, 2, 0)
    assert len(read) == 2


def test_a_deleted_article_counts_as_deleted_as_a_full_import_would(site, configured, clock, monkeypatch):
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        pf.delete(f"{TAG}1002")
        assert summary(pf.import_configured()) == (1, 0, 0, 2, 1)  # read again: a tombstone is new
        again = pf.import_configured()  # the same from the remembered state
        assert summary(again) == (1, 0, 0, 2, 1) and again.deleted_ids == (f"{TAG}1002",)
    assert len(read) == 2


def test_an_update_by_another_import_brings_the_export_back(site, configured, clock, monkeypatch, write):
    """A later export (or `pressfeed import`) changed an article: the configured file, read again, changes it back,
    as reading every file every time did."""
    read = counting_imports(monkeypatch)
    correction = write(site, "fix.yaml", ARTICLES.split("---\n")[0].replace("심사에 들어갔다", "심사를 시작했다"))
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        assert pf.import_files([str(correction)]).updated == 1
        assert "시작했다" in pf.article(f"{TAG}1001").article.body_html
        assert summary(pf.import_configured()) == (1, 0, 1, 2, 0)
        assert "들어갔다" in pf.article(f"{TAG}1001").article.body_html
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)
    assert read == [str(configured.resolve()), str(correction), str(configured.resolve())]  # (fix.yaml: import_files)


def test_changed_site_settings_read_the_export_again(site, configured, clock, monkeypatch, write):
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
    config_file = site / "feeds" / "pressfeed.yaml"
    text = config_file.read_text(encoding="utf-8")
    write(site, "feeds/pressfeed.yaml", text.replace("  dir: public\n", "  dir: public\n  summary_length: 20\n"))
    with Pressfeed(load_config(site), clock=clock) as pf:
        before = pf.article(f"{TAG}1001").article.updated
        # derived summaries are shorter now, stored so; a setting is no update, and re-dates nothing
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)
        assert len(pf.article(f"{TAG}1001").article.summary) <= 20
        assert pf.article(f"{TAG}1001").article.updated == before
    assert len(read) == 2


def test_new_normalizing_code_reads_the_export_again(site, configured, clock, monkeypatch):
    """Under one version number the code changes (between releases, an editable install): a file imported
    under the old code was skipped for good, its bodies never cleaned by the fixed sanitizer."""
    from pressfeed.imports import state

    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        monkeypatch.setattr(state, "code_stamp", lambda: "normalize.py:1:2")  # as a changed file's stat gives
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)
    assert len(read) == 2


def test_the_code_stamp_is_the_normalizing_modules_contents_and_nh3s_release():
    import nh3

    from pressfeed.imports import state

    stamp = state.code_stamp()
    digest, *versions = stamp.split(",")
    assert len(digest) == 16 and versions == [f"nh3-{nh3.__version__}.dist-info"]  # the sanitizer's release
    assert all((Path(state.__file__).parents[1] / name).is_file() for name in state.NORMALIZING)


def test_every_module_normalization_runs_on_is_in_the_code_stamp():
    """A rule moved into a module of its own must still mark imported files stale when it changes: the
    modules pressfeed.normalize loads are all stamped (errors decide messages, not what a record becomes)."""
    import subprocess
    import sys

    from pressfeed.imports import state

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, pressfeed.normalize; print(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    modules = {
        name.removeprefix("pressfeed.").replace(".", "/") + ".py" for name in loaded if name.startswith("pressfeed.")
    }
    assert modules - {"errors.py"} <= set(state.NORMALIZING)


def older_citations(pf: Pressfeed, path: Path) -> None:
    """The file's state as a pressfeed before the current citation form remembered it."""
    from pressfeed.imports import state

    key = state.KEY_PREFIX + str(path.resolve())
    data = json.loads(pf.store.get_meta(key) or "{}")
    data.pop("citations")
    pf.store.set_meta(key, json.dumps(data))


def test_an_export_imported_under_an_older_citation_form_is_read_and_linked_once(site, configured, clock, monkeypatch):
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        older_citations(pf, configured)
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)  # read, every article linked
        assert summary(pf.import_configured()) == (1, 0, 0, 3, 0)  # and then no more
    assert len(read) == 2


def test_a_broken_export_leaves_the_others_linked_once(site, configured, clock, monkeypatch, write):
    """A review's: the one-time relink after an upgrade was the whole import's; with one export failing, every
    run read every export again. It is each file's."""
    write(site, "feeds/articles/b.yaml", "- id: [broken\n")
    read = counting_imports(monkeypatch)
    with Pressfeed(load_config(site), clock=clock) as pf:
        pf.import_configured()
        older_citations(pf, configured)
        for _ in range(3):
            assert pf.import_configured().failures
    assert read.count(str(configured.resolve())) == 2  # the first import, and its relink: once


# -- a re-export in another format is no update --------------------------------------

#: the CMS's nightly export (its YAML writer: block style, double-quoted attributes, a line per paragraph)
EXPORT = """\
id: "2105"
title: 과기정통부, AI 반도체 실증 지원에 1조 원 투입
subtitle: 2030년까지 국산 NPU 데이터센터 실증
section: IT/과학
published: 2025-11-08 09:00:00
updated: 2025-11-08 10:30:00
byline: 김민지 기자
link: /news/articleView.html?idxno=2105
tags: [AI 반도체, NPU, 과기정통부]
images:
  - url: /news/photo/202511/2105_3120_1.jpg
    caption: 과기정통부 차관이 브리핑하고 있다
    width: 600
    height: 400
body_html: |
  <div class="article-body" id="article-view-content-div">
    <p style="text-align: justify;">과학기술정보통신부는 국산 <b>AI 반도체</b> <b>실증</b>에
      1조 원을 투입한다고 8일 밝혔다.</p>
    <p>
      지원 대상은 데이터센터 10곳이다.
    </p>
    <figure class="photo">
      <img src="/news/photo/202511/2105_3120_1.jpg" alt="브리핑 모습" width="600" height="400">
    </figure>
    <p><a href="https://www.msit.go.kr/bbs/view.do?sCode=user&amp;nttSeqNo=3186512"
      title="보도자료 원문">보도자료 원문</a></p>
  </div>
  <p>[뉴스출처 : 과학기술정보통신부]</p>
"""

#: the same record from the CMS's other exporter (JSON Lines): other key order, quoting, dates and spacing
REEXPORT = (
    '{"link": "https://www.example-portal.kr/news/articleView.html?idxno=2105", "section": "IT·과학", '
    '"published": "2025-11-08T09:00:00+09:00", "updated": "2025-11-08T01:30:00Z", "id": 2105, '
    '"tags": "AI 반도체, NPU, 과기정통부", "byline": "김민지  기자", '
    '"title": "과기정통부,  AI 반도체 실증 지원에 1조 원 투입", "subtitle": "2030년까지 국산 NPU 데이터센터 실증", '
    '"images": [{"height": 400, "width": 600, "caption": "과기정통부 차관이 브리핑하고 있다", '
    '"url": "/news/photo/202511/2105_3120_1.jpg"}], '
    '"body_html": "<div class=\'article-body\'><p>과학기술정보통신부는 국산 <b>AI 반도체</b> <b>실증</b>에 1조 원을 '
    "투입한다고 8일 밝혔다. </p><p>지원 대상은 데이터센터 10곳이다.</p><figure><img height=400 width=600 "
    "alt='브리핑 모습' src='/news/photo/202511/2105_3120_1.jpg'></figure><p><a title='보도자료 원문' "
    "href='https://www.msit.go.kr/bbs/view.do?sCode=user&nttSeqNo=3186512'>보도자료 원문</a></p></div>\\n"
    '<p>[뉴스출처 : 과학기술정보통신부]</p>"}\n'
)
EXPORT_ID = f"{TAG}2105"


def test_a_re_export_that_differs_only_in_formatting_is_no_update(pf, site, write):
    """Whitespace, key order, quoting, date notation, attribute order, spacing between paragraphs: the
    sanitized article a reader gets is the same, and an update would re-date it as unread in every reader."""
    pf.import_files([str(write(site, "feeds/articles/news.yaml", EXPORT))])
    before = pf.store.get(EXPORT_ID)
    assert before is not None

    result = pf.import_files([str(write(site, "feeds/articles/news.jsonl", REEXPORT))])

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    after = pf.store.get(EXPORT_ID)
    assert after is not None and (after.article.updated, after.article.status) == (
        before.article.updated,
        before.article.status,
    )  # not re-dated: stored in its new form, so the next import of it is the version last taken
    assert after.upstream_hash == after.content_hash != before.content_hash
    again = pf.import_files([str(write(site, "feeds/articles/news.jsonl", REEXPORT))])
    assert (again.updated, again.unchanged, pf.store.get(EXPORT_ID)) == (0, 1, after)  # nothing written
    assert pf.import_files([str(write(site, "feeds/articles/news.yaml", EXPORT))]).updated == 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("과기정통부,  AI 반도체", "과기정통부, AI반도체"),  # title
        ("데이터센터 10곳", "데이터센터 12곳"),  # body text
        ("<b>AI 반도체</b> <b>실증</b>", "<b>AI 반도체</b><b>실증</b>"),  # a space readers see between words
        ("국산 <b>AI 반도체</b>", "국산 <i>AI 반도체</i>"),  # markup readers see
        ("nttSeqNo=3186512'", "nttSeqNo=3186513'"),  # a link in the body
        ('idxno=2105"', 'idxno=2105&sc=1"'),  # the article's link
        ('2105_3120_1.jpg"}', '2105_3120_2.jpg"}'),  # the lead image
        ('"caption": "과기정통부 차관이', '"caption": "과기정통부 1차관이'),  # its caption
        ("NPU, 과기정통부", "NPU, 데이터센터, 과기정통부"),  # a tag
        ('"updated": "2025-11-08T01:30:00Z"', '"updated": "2025-11-08T02:30:00Z"'),  # the date the export sets
        ('"published": "2025-11-08T09:00:00+09:00"', '"published": "2025-11-08T09:10:00+09:00"'),
    ],
)
def test_a_re_export_with_a_real_edit_is_an_update(pf, site, write, old, new):
    pf.import_files([str(write(site, "feeds/articles/news.yaml", EXPORT))])
    before = pf.store.get(EXPORT_ID)
    assert before is not None and REEXPORT.count(old) == 1
    edited = REEXPORT.replace(old, new)

    result = pf.import_files([str(write(site, "feeds/articles/news.jsonl", edited))])

    assert (result.updated, result.updated_ids) == (1, (EXPORT_ID,))
    stored = pf.store.get(EXPORT_ID)
    assert stored is not None and stored.seq > before.seq
    assert stored.content_hash == stored.upstream_hash  # the edit as this export gave it


#: EXPORT after the CMS's upgrade: its YAML writer quotes, orders and wraps differently
EXPORT_RESAVED = """\
id: 2105
link: 'https://www.example-portal.kr/news/articleView.html?idxno=2105'
section: 'IT·과학'
title: '과기정통부, AI 반도체 실증 지원에 1조 원 투입'
subtitle: '2030년까지 국산 NPU 데이터센터 실증'
published: '2025-11-08T09:00:00+09:00'
updated: '2025-11-08T10:30:00+09:00'
byline: '김민지 기자'
tags:
- 'AI 반도체'
- NPU
- 과기정통부
images:
- {caption: '과기정통부 차관이 브리핑하고 있다', height: 400, url: '/news/photo/202511/2105_3120_1.jpg', width: 600}
body_html: "<div class='article-body'>\\n<p>과학기술정보통신부는 국산 <b>AI 반도체</b> <b>실증</b>에 1조 원을
  투입한다고 8일 밝혔다.</p>\\n<p>지원 대상은 데이터센터 10곳이다.</p><figure>\\n<img alt='브리핑 모습'
  height='400' src='/news/photo/202511/2105_3120_1.jpg' width='600'></figure>\\n<p><a title='보도자료 원문'
  href='https://www.msit.go.kr/bbs/view.do?sCode=user&amp;nttSeqNo=3186512'>보도자료 원문</a></p></div><p>[뉴스출처
  : 과학기술정보통신부]</p>"
"""


def test_a_run_counts_a_re_saved_export_unchanged_and_reads_no_other_again(site, configured, clock, monkeypatch, write):
    """The re-saved file is read (its bytes changed), finds nothing to update, and so leaves the other
    exports' remembered state alone: an update would have had every export read again on the next run."""
    read = counting_imports(monkeypatch)
    exported = write(site, "feeds/articles/b.yaml", EXPORT)
    with Pressfeed(load_config(site), clock=clock) as pf:
        assert summary(pf.import_configured()) == (2, 4, 0, 0, 0)
        before = pf.store.get(EXPORT_ID)
        write(site, "feeds/articles/b.yaml", EXPORT_RESAVED)
        assert summary(pf.import_configured()) == (2, 0, 0, 4, 0)
        after = pf.store.get(EXPORT_ID)
        assert after is not None and before is not None and after.article.updated == before.article.updated
        assert summary(pf.import_configured()) == (2, 0, 0, 4, 0)
        assert pf.store.get(EXPORT_ID) == after
    assert read == [str(configured.resolve()), str(exported.resolve()), str(exported.resolve())]


@pytest.mark.parametrize("name", ["export.jsonl", "export.json"])
def test_a_key_written_twice_in_a_json_record_is_refused_at_its_line(pf, site, write, name):
    """json keeps the last value silently: {"section": "경제", …, "section": "정치"} went in as politics.
    YAML exports and the config refuse a duplicate key; so do JSON and JSON Lines."""
    good = dumps(record(1))
    twice = dumps(record(2))[:-1] + ', "section": "정치"}'
    text = f"{good}\n{twice}\n" if name.endswith("l") else f"[\n{good},\n{twice}\n]\n"
    path = write(site, name, text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2 if name.endswith("l") else 3, "section")
    assert problem.message.startswith("written twice in one record")
    assert pf.store.count() == 0


def _readme_record_fields() -> dict[str, bool]:
    """The README's Article record table: each field and whether the table says it is required."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The Article record", 1)[1].split("\n## ", 1)[0]
    fields: dict[str, bool] = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if not row.startswith("| `") or len(cells) < 3:
            continue
        names = re.findall(r"`([a-z_]+)`", cells[0])
        for name in names:
            # "date; `published` required": a required word naming some of the row's fields names only those
            named = re.findall(r"`([a-z_]+)`", cells[1])
            fields[name] = "required" in cells[1] and (not named or name in named)
    return fields


def test_the_readme_says_which_record_fields_are_required(config) -> None:
    """It said title, section and link; a record without `published` is refused too."""
    from pressfeed.imports import raw_article
    from pressfeed.normalize import RecordError, normalize

    full = {
        "id": "1",
        "title": "제목",
        "subtitle": "부제",
        "summary": "요약",
        "body_html": "<p>본문</p>",
        "section": "정치",
        "published": "2025-11-08 09:00:00",
        "updated": "2025-11-08 10:00:00",
        "byline": "포탈뉴스통신",
        "link": "/news/1",
        "tags": ["정책"],
        "images": [],
        "attachments": [],
        "status": "published",
        "source": {"name": "외교부"},
    }
    documented = _readme_record_fields()
    assert set(documented) == set(full)
    refused = set()
    for name in full:
        record = {k: v for k, v in full.items() if k != name}
        try:
            normalize(raw_article(record), config.normalize_context(), now=NOW)
        except RecordError as exc:
            problems = getattr(exc, "problems", [exc])
            assert all(p.message.startswith("required") for p in problems), (name, str(exc))
            refused.add(name)
    assert refused == {name for name, required in documented.items() if required}


def test_a_key_written_twice_inside_a_json_field_is_refused_as_in_json_lines(pf, site, write):
    """The walk that finds fields' lines read values leniently: {"images": [{"url": "a", "url": "b"}]} in a
    .json export went in as "b", while JSON Lines refused it (found by a review)."""
    images = '[{"url": "/a.jpg", "url": "/b.jpg"}]'
    text = "[\n" + dumps(record(1))[:-1] + f', "images": {images}' + "}\n]\n"
    path = write(site, "export.json", text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), 2, "images.url")]
    assert pf.store.count() == 0


def test_keys_written_twice_are_no_sign_of_a_file_that_is_no_json_lines(pf, site, write):
    """Twenty valid lines that each repeat a field stopped the file with "is it JSON Lines?"."""
    lines = [dumps(record(n))[:-1] + ', "section": "정치"}' for n in range(1, 26)]
    path = write(site, "twice.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    assert problems(info.value) == [(str(path), n, "section") for n in range(1, 26)]


# -- JSON arrays are read a piece at a time --------------------------------------


def _read_json(path: Path) -> tuple[list[tuple[int, int, dict, dict]], list[tuple[int | None, str, str]]]:
    """(line, index, fields, fields' lines) of every record read from `path`, and the problems it stops with."""
    from pressfeed.imports.importer import read_file

    got: list[tuple[int, int, dict, dict]] = []
    try:
        for r in read_file(str(path)):
            got.append((r.line, r.index, dict(r.data), dict(getattr(r.data, "lines", {}))))
    except InputError as exc:
        return got, [(p.line, p.field, p.message) for p in exc.problems]
    return got, []


PRETTY = json.dumps(
    [record(1), record(2, images=[{"url": "/사진/1.jpg", "caption": "장관이 발표하고 있다"}]), record(3)],
    ensure_ascii=False,
    indent=2,
)
#: exports as CMSs write them, and broken ones: each read in pieces must read as it does whole
JSON_EXPORTS = {
    "pretty, with a BOM": "\ufeff" + PRETTY + "\n",
    "one line": "[" + ",".join(dumps(record(n)) for n in range(1, 6)) + "]",
    "crlf": PRETTY.replace("\n", "\r\n"),
    "empty": "[ ]\n",
    "a field line": PRETTY.replace('"section": "사회"', '"section": "없는섹션"', 2),
    "not a mapping": '[\n  {"id": "1"},\n  "문자열",\n  17,\n  [1, 2]\n]\n',
    "invalid": '[\n  {"id": "1",\n   "title": "하나",\n   oops}\n]\n',
    "missing comma": "[\n" + dumps(record(1)) + "\n" + dumps(record(2)) + "\n]\n",
    "trailing comma": "[\n" + dumps(record(1)) + ",\n]\n",
    "trailing text": PRETTY + "\n[]\n",
    "unterminated": "[\n" + dumps(record(1)) + ',\n{"id": "2", "title": "닫히지 않은\n',
    "no end": "[\n" + dumps(record(1)) + ",\n",
    "key twice": "[\n" + dumps(record(1)) + ",\n" + dumps(record(2))[:-1] + ', "section": "정치"}\n]\n',
    "key twice inside": "[\n" + dumps(record(1))[:-1] + ', "images": [{"url": "/a.jpg", "url": "/b.jpg"}]}\n]\n',
    "numbers": "[\n1234567,\n-2.5e10\n]",
    "escapes": "[\n" + dumps(record(1, title='제목 "따옴표" ], {\\ 끝')) + "\n]\n",
    "deep": "[" * 50_000 + "]" * 50_000,
}


@pytest.mark.parametrize("text", JSON_EXPORTS.values(), ids=JSON_EXPORTS.keys())
def test_a_json_array_read_in_pieces_reads_as_it_does_whole(site, write, text, monkeypatch: pytest.MonkeyPatch):
    """Every record with its line, index and fields' lines, and every problem with its line: the same
    whether the file is read whole or a few bytes at a time (pieces that cut Hangul, numbers, CRLF)."""
    from pressfeed.imports import read

    path = write(site, "export.json", "")
    path.write_bytes(text.encode("utf-8"))
    whole = _read_json(path)
    assert whole[0] or whole[1] or text.strip() == "[ ]"
    for size in (1, 2, 3, 7, 64):
        monkeypatch.setattr(read, "READ_BYTES", size)
        assert _read_json(path) == whole, size


def test_a_json_array_read_in_pieces_gives_what_json_loads_gives(site, write, monkeypatch: pytest.MonkeyPatch):
    from pressfeed.imports import read

    monkeypatch.setattr(read, "READ_BYTES", 5)
    path = write(site, "export.json", PRETTY)
    records, problems_ = _read_json(path)
    assert problems_ == []
    assert [data for _, _, data, _ in records] == json.loads(PRETTY)
    assert [(line, index) for line, index, _, _ in records] == [
        (n, i) for i, n in enumerate((n for n, t in enumerate(PRETTY.splitlines(), 1) if t == "  {"), 1)
    ]


def test_a_large_json_array_is_not_held_whole(site: Path) -> None:
    """A 20 MB export as one JSON array is read in pieces: memory is about a piece's, not the file's."""
    import tracemalloc

    from pressfeed.imports.importer import read_file

    body = "<p>" + "과학기술정보통신부는 국가 인공지능 컴퓨팅센터 구축 사업을 공모한다고 밝혔다. " * 50 + "</p>"
    path = site / "big.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        out.write(",\n".join(dumps(record(n, body_html=body)) for n in range(1, 5001)))
        out.write("\n]\n")
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_file(str(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5000
    assert peak < 8_000_000, peak  # whole, the text alone took more than twice the file


def test_a_json_array_record_left_open_is_refused_at_its_line(site, write, monkeypatch: pytest.MonkeyPatch):
    from pressfeed.imports import read

    monkeypatch.setattr(read, "MAX_RECORD_CHARS", 2000)
    monkeypatch.setattr(read, "READ_BYTES", 500)
    text = "[\n" + dumps(record(1)) + ',\n{"id": "2", "title": "' + "닫히지 않은 제목 " * 1000 + "\n]\n"
    path = write(site, "open.json", text)
    records, problems_ = _read_json(path)
    assert len(records) == 1
    assert problems_ == [(3, "record", "a record larger than 0 MiB: is a string left open?")]


def test_a_json_array_not_utf8_halfway_imports_nothing(pf: Pressfeed, site: Path, monkeypatch) -> None:
    from pressfeed.imports import read

    monkeypatch.setattr(read, "READ_BYTES", 64)
    path = site / "euc.json"
    good = ("[\n" + dumps(record(1)) + ",\n").encode("utf-8")
    path.write_bytes(good + dumps(record(2, title="한글 제목")).encode("euc-kr") + b"\n]\n")
    with pytest.raises(InputError) as caught:
        pf.import_files([str(path)])
    [problem] = caught.value.problems
    assert (problem.field, problem.message[:10]) == ("file", "not UTF-8:")
    assert problem.line in (2, 3)
    assert pf.store.count() == 0


@pytest.mark.parametrize("name", ["export.json", "export.jsonl", "export.yaml", "one.json"])
def test_a_number_python_cannot_read_is_a_problem_at_its_line(pf, site, write, name):
    """int() refuses more than 4,300 digits: JSON and YAML exports crashed with a traceback (JSON Lines said
    to call sys.set_int_max_str_digits)."""
    import yaml

    huge = "1" * 5000
    if name.endswith(".yaml"):
        docs = [yaml.safe_dump(record(n), allow_unicode=True) for n in (1, 2)]
        text = docs[0] + "---\n" + docs[1] + f"views: {huge}\n"
    elif name.endswith(".jsonl"):
        text = dumps(record(1)) + "\n" + dumps(record(2))[:-1] + f', "views": {huge}}}\n'
    elif name == "one.json":
        text = "\n" + dumps(record(2))[:-1] + f',\n "views": {huge}}}\n'
    else:
        text = "[\n" + dumps(record(1)) + ",\n" + dumps(record(2))[:-1] + f', "views": {huge}}}\n]\n'
    path = write(site, name, text)
    with pytest.raises(InputError) as info:
        pf.import_files([str(path)])
    [problem] = info.value.problems
    assert problem.message.endswith("a number longer than 4,300 digits (quote it if it is text)")
    if name.endswith(".yaml"):
        assert (problem.line, problem.field) == (line_no(text, "views:"), "views")
    else:  # the line the record starts on (the error has no position)
        assert (problem.line, problem.field) == (3 if name == "export.json" else 2, "record")
    assert pf.store.count() == 0


def test_a_lone_surrogate_is_dropped_from_a_json_record_not_the_whole_import(pf, site, write):
    """A CMS that cuts an emoji's pair in two writes "\\ud83d" alone, which JSON allows. The body's made the
    sanitizer fail (UTF-8 only), and that one record failed the whole import; it is dropped, as in titles."""
    body = "<p>(포탈뉴스통신) 장관이 웃었다 \ud83d 그리고 \ud83d\ude00 발표했다.</p>"
    cut = json.dumps(record(2, title="제목 \udfff끝", body_html=body))  # ASCII: "\\ud83d" as the CMS writes it
    assert "\\ud83d \\uadf8" in cut
    path = write(site, "export.json", "[\n" + dumps(record(1)) + ",\n" + cut + "\n]\n")
    result = pf.import_files([str(path)])
    assert result.created == 2
    article = pf.article(result.created_ids[1]).article
    assert article.title == "제목 끝"
    assert article.body_html == "<p>(포탈뉴스통신) 장관이 웃었다  그리고 😀 발표했다.</p>"
    assert pf.build().written  # and every feed takes it


def test_a_json_array_on_standard_input_is_never_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from pressfeed.imports import read
    from pressfeed.imports.importer import read_file

    class Pieces(io.BytesIO):
        """Standard input that refuses to be read whole."""

        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and 0 <= size <= 512, size  # a piece, or twice a record
            return super().read(size)

    text = "[\n" + ",\n".join(dumps(record(n)) for n in range(1, 21)) + "\n]\n"
    assert len(text.encode()) > 2000
    monkeypatch.setattr(read, "READ_BYTES", 64)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(Pieces(text.encode("utf-8")), encoding="utf-8"))
    records = list(read_file("-"))
    assert [(r.file, r.line, r.index, r.data["id"]) for r in records] == [
        ("<stdin>", n + 1, n, str(n)) for n in range(1, 21)
    ]


# -- a link as id, in normal form ---------------------------------------------------------------------------

#: a CMS link the W3C validator would write otherwise as an atom:id (default port, needless escape)
ODD_LINK = "https://www.example-portal.kr:443/news/./articleView.html?idxno=%7e{n}"  # port, escape, dot segment


def _link_records(*numbers: int, title: str = "기사") -> list:
    from pressfeed.imports import read_records

    lines = [dumps(record(n, id=None, link=ODD_LINK.format(n=n), title=f"{title} {n}")) for n in numbers]
    return list(read_records("<stdin>.jsonl", "\n".join(lines) + "\n"))


def _as_before(pf: Pressfeed, monkeypatch: pytest.MonkeyPatch, *numbers: int) -> None:
    """Import as the version before ids were put in normal form did: the link, as published, was the id."""
    import pressfeed.normalize

    with monkeypatch.context() as before:
        before.setattr(pressfeed.normalize, "normal_uri", lambda uri, **_: uri)
        pf.import_records(_link_records(*numbers))


def test_an_article_stored_under_its_link_with_dot_segments_keeps_that_id(
    pf: Pressfeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions before removing dot segments stored the link's normal form with them ("/news/./"): a
    review found the next import made a second article under the id without them."""
    import pressfeed.normalize
    from pressfeed.urls import normal_uri

    with monkeypatch.context() as before:
        before.setattr(pressfeed.normalize, "normal_uri", lambda uri, **_: normal_uri(uri, dot_segments=True))
        pf.import_records(_link_records(1))
    [stored] = [a.article.id for a in pf.store.articles(ArticleFilter())]
    assert stored == "https://www.example-portal.kr/news/./articleView.html?idxno=~1"
    result = pf.import_records(_link_records(1, title="고친 기사"))
    assert (result.created, result.updated_ids) == (0, (stored,)) and pf.store.count() == 1


def test_a_link_as_id_is_in_normal_form(pf: Pressfeed) -> None:
    """The validator warns of an atom:id with ':443' or '%7e' ('not in canonical form')."""
    result = pf.import_records(_link_records(1))
    assert result.created_ids == ("https://www.example-portal.kr/news/articleView.html?idxno=~1",)


def test_an_article_stored_under_its_link_before_keeps_that_id(pf: Pressfeed, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its id is the guid readers know it by: a new one would show it twice, and leave the old copy in the feeds."""
    _as_before(pf, monkeypatch, 1)
    [legacy] = [a.article.id for a in pf.store.articles(ArticleFilter())]
    assert legacy == ODD_LINK.format(n=1)

    result = pf.import_records(_link_records(1, 2, title="고친 기사"))
    assert (result.created, result.updated, result.updated_ids) == (1, 1, (legacy,))
    assert result.created_ids == ("https://www.example-portal.kr/news/articleView.html?idxno=~2",)
    assert pf.article(legacy).article.title == "고친 기사 1"
    assert pf.store.count() == 2


def test_an_article_deleted_under_its_link_before_stays_deleted(pf: Pressfeed, monkeypatch: pytest.MonkeyPatch) -> None:
    _as_before(pf, monkeypatch, 1)
    pf.delete(ODD_LINK.format(n=1))
    result = pf.import_records(_link_records(1))
    assert (result.created, result.deleted, result.deleted_ids) == (0, 1, (ODD_LINK.format(n=1),))
    assert pf.store.count() == 0


# -- an explicit id versions before took ---------------------------------------------------------------------

DOTTED_ID = "https://www.example-portal.kr/news/./{n}"


def _dotted_records(*numbers: int, title: str = "기사") -> list:
    from pressfeed.imports import read_records

    lines = [dumps(record(n, id=DOTTED_ID.format(n=n), title=f"{title} {n}")) for n in numbers]
    return list(read_records("<stdin>.jsonl", "\n".join(lines) + "\n"))


def _dotted_before(pf: Pressfeed, monkeypatch: pytest.MonkeyPatch, *numbers: int) -> None:
    """Import as versions before removing dot segments did: they took such an id as it was."""
    import pressfeed.normalize
    from pressfeed.urls import normal_uri

    with monkeypatch.context() as before:
        before.setattr(pressfeed.normalize, "normal_uri", lambda uri, **_: normal_uri(uri, dot_segments=True))
        pf.import_records(_dotted_records(*numbers))


def test_an_article_stored_under_its_own_id_with_dot_segments_keeps_it(
    pf: Pressfeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refusing the id would leave the article as it was; its normal form would publish it a second time."""
    _dotted_before(pf, monkeypatch, 1)
    result = pf.import_records(_dotted_records(1, title="고친 기사"))
    assert (result.created, result.updated_ids) == (0, (DOTTED_ID.format(n=1),))
    assert pf.article(DOTTED_ID.format(n=1)).article.title == "고친 기사 1" and pf.store.count() == 1


def test_an_article_deleted_under_its_own_id_with_dot_segments_stays_deleted(
    pf: Pressfeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dotted_before(pf, monkeypatch, 1)
    pf.delete(DOTTED_ID.format(n=1))
    result = pf.import_records(_dotted_records(1))
    assert (result.created, result.deleted_ids) == (0, (DOTTED_ID.format(n=1),)) and pf.store.count() == 0


def test_a_new_record_with_dot_segments_in_its_id_is_refused(pf: Pressfeed, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an article already stored keeps such an id: a new one is told the form to write, at its line."""
    _dotted_before(pf, monkeypatch, 1)
    with pytest.raises(InputError) as info:
        pf.import_records(_dotted_records(1, 2, title="고친 기사"))
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, "id")
    assert problem.message == (
        f"{DOTTED_ID.format(n=2)!r} is not in its normal form (RFC 3986): write "
        f"'https://www.example-portal.kr/news/2', as feed readers compare ids"
    )
    assert pf.article(DOTTED_ID.format(n=1)).article.title == "기사 1"  # nothing of the file was written


@pytest.mark.xfail(
    strict=True,
    reason="a known limit (README, imports:): an unchanged export's ids are not met; the id is taken once from the"
    " changed export, and the next run, reading both (an update forgets the others' states), refuses it",
)
def test_an_id_a_changed_export_shares_with_an_unchanged_one_is_still_the_later_ones_problem(site, configured, write):
    """The run's shared ids meet only the exports read: an unchanged one is skipped, so an id a changed export
    also gives went in unrefused. Exports changing in turn still took their versions in turn (each change of
    a.yaml took its 1001 back), the article re-dated at each, and the disagreement was never flagged."""
    times = [NOW]
    with Pressfeed(load_config(site), clock=Clock(lambda: times[0])) as pf:
        assert pf.import_configured().failures == ()
        times[0] = NOW + timedelta(minutes=5)  # the CMS adds b.yaml, a.yaml unchanged
        other = write(
            site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("심사에 들어갔다", "심사를 시작했다")
        )
        second = pf.import_configured()
        assert [f.file for f in second.failures] == [str(other)]  # as when both were read (import a b)
        assert "심사에 들어갔다" in pf.article(f"{TAG}1001").article.body_html


def test_an_id_a_changed_export_shares_with_an_unchanged_one_is_refused_at_the_next_run(site, configured, write):
    """The limit above, bounded: the run after the changed export's id went in reads both exports (an update
    forgets the others' remembered states), refuses the later one's record, and the article stays as the earlier
    gives it, the later export named at every run after."""
    times = [NOW]
    with Pressfeed(load_config(site), clock=Clock(lambda: times[0])) as pf:
        pf.import_configured()
        other = write(
            site, "feeds/articles/b.yaml", ARTICLES.split("---\n")[0].replace("심사에 들어갔다", "심사를 시작했다")
        )
        for minutes in (5, 10):
            times[0] = NOW + timedelta(minutes=minutes)
            pf.import_configured()
        settled = pf.article(f"{TAG}1001").article
        for minutes in (15, 20):
            times[0] = NOW + timedelta(minutes=minutes)
            assert [f.file for f in pf.import_configured().failures] == [str(other)]
        assert pf.article(f"{TAG}1001").article == settled and "심사에 들어갔다" in settled.body_html


def test_an_export_named_through_a_symbolic_link_too_is_imported_once(site, configured, clock):
    """A CMS keeping `latest.yaml` as a link to its newest dated export: the glob names the one file twice. The
    run's shared ids took its second reading for another export giving every id again: it failed at every run
    (each export then read at every run), where before it was the same file imported again, unchanged."""
    (site / "feeds" / "articles" / "latest.yaml").symlink_to("a.yaml")
    with Pressfeed(load_config(site), clock=clock) as pf:
        first = pf.import_configured()
        again = pf.import_configured()
    assert (first.failures, again.failures) == ((), ())


def test_an_export_named_through_a_hard_link_too_is_imported_once(site, configured, clock):
    """As through a symbolic link: a CMS (or a backup rotation, rsync --link-dest) keeping `latest.yaml` as a hard
    link to its newest export gives the glob one file under two names. configured_files tells one file by its
    resolved path, which a hard link does not share: its second name was taken for another export giving every
    id again, and failed at every run (imports_disagree set for good, every export read each run)."""
    os.link(configured, site / "feeds" / "articles" / "latest.yaml")
    with Pressfeed(load_config(site), clock=clock) as pf:
        first = pf.import_configured()
        again = pf.import_configured()
    assert (first.failures, again.failures) == ((), ())
