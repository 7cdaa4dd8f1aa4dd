"""Settle's rules ("One story, one item") when the match is a NEAR copy, checked against feed invariants.

Every build of a scenario goes through :class:`Watch`: in each format and feed, guids unique and the same
in RSS, Atom and JSON Feed; each story (a group of titles: a release and its copies) once; an item's updated
(Atom, JSON Feed) never goes back, goes forward when what readers see changes, and does not move when it
does not. Each scenario then runs twice more with nothing changed: nothing written, byte-identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from conftest import NOW
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.model import Status
from pressfeed.normalize import hashed_id
from test_stories import (
    AUTHORITY,
    CMS_ID,
    CONTACT,
    LONG_TEXT,
    RELEASE_ID,
    RELEASE_LINK,
    SECOND_ID,
    Site,
    cms,
    release,
)

ATOM = "{http://www.w3.org/2005/Atom}"
KST = ZoneInfo("Asia/Seoul")
R_TITLE = "과기정통부, 국가 AI 컴퓨팅센터 사업자 선정"
A_TITLE = "국가 AI 컴퓨팅센터, 비수도권 두 곳에 GPU 1만 장…사업자 선정 마무리"
#: the newsroom's near copy: typos fixed, the contact line dropped
NEAR = LONG_TEXT.replace("우리나라", "우리 나라").replace("꼼꼼히", "꼼꼼하게")
RELEASE_BODY = LONG_TEXT + CONTACT

#: another story (고용노동부), for a second release
JOBS = (
    "고용노동부는 1월 2일부터 2026년 청년 일자리 도약 장려금 사업 참여 기업을 모집한다고 밝혔다. "
    "청년 일자리 도약 장려금은 취업 애로 청년을 정규직으로 채용하고 6개월 이상 고용을 유지한 5인 이상 "
    "우선지원대상기업에 1인당 최대 1,200만 원을 지원하는 제도다. "
    "올해는 지원 규모를 지난해 10만 명에서 12만 명으로 늘리고, 지원 대상이 되는 취업 애로 청년의 범위를 "
    "4개월 이상 실업 상태인 청년까지 넓혔다. "
    "특히 올해부터는 빈일자리 업종과 지역 청년 고용을 촉진하기 위해 비수도권 기업이 청년을 채용하는 경우 "
    "2년간 근속한 청년에게 최대 720만 원의 근속 인센티브를 추가로 지급한다. "
    "고용노동부는 장려금이 부정하게 지급되지 않도록 고용보험 자료와 국세청 소득 자료를 연계해 채용 사실과 "
    "임금 지급 여부를 확인하고, 부정수급이 적발되면 지급액의 최대 5배를 추가 징수할 방침이다."
)
JOBS_LINK = RELEASE_LINK.replace("3186412", "3186600")
JOBS_ID = hashed_id(AUTHORITY, "source/msit", "msit-3186600")
J_TITLE = "고용노동부, 청년 일자리 도약 장려금 지원 대상 확대"


def jobs(text: str = JOBS) -> str:
    return release("msit-3186600", JOBS_LINK, text).replace(R_TITLE, J_TITLE)


def kst(when: datetime) -> str:
    return when.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def near_article(text: str = NEAR, **fields: Any) -> str:
    return cms(url=None, body=f"<p>(포탈뉴스통신) {text}</p><p>[뉴스출처 : 과학기술정보통신부]</p>", **fields)


SECOND_TITLE = "국가 AI 컴퓨팅센터 사업자 선정, 포탈뉴스통신 전재"


def near_second(text: str = NEAR, **fields: Any) -> str:
    return near_article(
        text, id="20251108-0102", title=SECOND_TITLE, link="/news/articleView.html?idxno=124002", **fields
    )


def _items(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Per format: (id, what readers see, updated) of each item, in order."""
    rss = etree.parse(str(folder / "rss.xml"))
    atom = etree.parse(str(folder / "atom.xml"))
    data = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, str, str]]] = {"rss": [], "atom": [], "json": []}
    for item in rss.iter("item"):
        seen = (item.findtext("title") or "") + "|" + (item.findtext("description") or "")
        out["rss"].append((item.findtext("guid") or "", seen, ""))
    for entry in atom.iter(f"{ATOM}entry"):
        seen = (entry.findtext(f"{ATOM}title") or "") + "|" + (entry.findtext(f"{ATOM}content") or "")
        out["atom"].append((entry.findtext(f"{ATOM}id") or "", seen, entry.findtext(f"{ATOM}updated") or ""))
    for item in data["items"]:
        seen = item.get("title", "") + "|" + item.get("content_html", "")
        out["json"].append((item["id"], seen, item.get("date_modified", "")))
    return out


class Watch:
    """Checks the invariants after every build of a site."""

    def __init__(self, site: Site, stories: list[set[str]], keys: tuple[str, ...] = ("", "it-science")) -> None:
        self.site, self.stories, self.keys = site, stories, keys
        #: (feed key, format, guid) -> (what readers saw, updated) last time it was in the feed
        self.last: dict[tuple[str, str, str], tuple[str, datetime]] = {}
        self.redated: dict[tuple[str, str], int] = {}  # (format, guid) -> times its updated moved
        self.problems: list[str] = []
        self.builds = 0

    def check(self, label: str = "", *, allow: tuple[set[str], ...] = ()) -> list[str]:
        self.builds += 1
        label = label or f"build {self.builds}"
        titles: list[str] = []
        for key in self.keys:
            items = _items(self.site.root / "public" / key)
            ids = {fmt: [i for i, _, _ in rows] for fmt, rows in items.items()}
            if not ids["rss"] == ids["atom"] == ids["json"]:
                self.problems.append(f"{label} [{key}]: formats differ {ids}")
            for fmt, got in ids.items():
                if len(set(got)) != len(got):
                    self.problems.append(f"{label} [{key}] {fmt}: guid twice {got}")
            for fmt in ("atom", "json"):
                for guid, seen, updated in items[fmt]:
                    at = datetime.fromisoformat(updated)
                    before = self.last.get((key, fmt, guid))
                    if before is not None:
                        was, then = before
                        if at < then:
                            self.problems.append(f"{label} [{key}] {fmt} {guid[-8:]}: updated back {then} -> {at}")
                        elif seen != was and at <= then:
                            self.problems.append(f"{label} [{key}] {fmt} {guid[-8:]}: changed, not re-dated ({at})")
                        elif seen == was and at != then:
                            self.problems.append(f"{label} [{key}] {fmt} {guid[-8:]}: re-dated, unchanged")
                        if at != then and key == "":
                            self.redated[(fmt, guid)] = self.redated.get((fmt, guid), 0) + 1
                    self.last[(key, fmt, guid)] = (seen, at)
            if key == "":
                titles = [seen.split("|", 1)[0] for _, seen, _ in items["rss"]]
        for story in self.stories:
            both = [t for t in titles if t in story]
            if len(both) > 1 and set(both) not in [set(a) for a in allow]:
                self.problems.append(f"{label}: one story twice {both}")
        return titles

    def idle(self, when: datetime) -> None:
        """Two more runs with nothing changed: nothing written, byte-identical files."""
        public = self.site.root / "public"
        files = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
        for minutes in (1, 2):
            with Pressfeed(load_config(self.site.root), clock=fixed(when + timedelta(minutes=minutes))) as pf:
                result = pf.run()
                assert result.ok, result.lines()
                if result.build.written:
                    self.problems.append(f"idle run {minutes}: wrote {result.build.written}")
        after = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
        if after != files:
            self.problems.append(f"idle runs changed {[str(p) for p in after if after[p] != files.get(p)]}")

    def ok(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def run(site: Site, minutes: int) -> Pressfeed:
    pf = site.run(at(minutes))
    pf.close()
    return pf


def opened(site: Site, minutes: int) -> Pressfeed:
    """The site's Pressfeed as an editor opens it `minutes` into the story."""
    return Pressfeed(load_config(site.root), clock=fixed(at(minutes)))


def edit(site: Site, minutes: int, action: Callable[[Pressfeed], object]) -> None:
    """An editor's action `minutes` into the story, then the build that puts it in the feeds."""
    with opened(site, minutes) as pf:
        action(pf)
        pf.build()


def superseded(site: Site, minutes: int, release_id: str) -> tuple[str | None, bool]:
    with opened(site, minutes) as pf:
        stored = pf.store.get(release_id)
        assert stored is not None
        return stored.superseded_by, stored.keep_both


def feed_guid(site: Site, minutes: int, article_id: str) -> str | None:
    with opened(site, minutes) as pf:
        stored = pf.store.get(article_id)
        return None if stored is None else stored.feed_guid


STORY = {R_TITLE, A_TITLE, SECOND_TITLE}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


# -- the basic rules, with a near copy ----------------------------------------------------------------------


def released(site: Site) -> Watch:
    """The release published, at the story's start: the watch of it."""
    w = Watch(site, [STORY])
    site.feed(release(text=RELEASE_BODY))
    run(site, 0)
    w.check()
    return w


def copied(site: Site) -> Watch:
    """The release published, then (5 minutes on) the newsroom's near copy of it imported: the watch of both."""
    w = released(site)
    site.cms(near_article())
    run(site, 5)
    return w


@pytest.mark.parametrize("order", ["release-first", "article-first"])
def test_near_copy_basic(site: Site, order: str) -> None:
    w = Watch(site, [STORY])
    if order == "release-first":
        site.feed(release(text=RELEASE_BODY))
        run(site, 0)
        assert w.check() == [R_TITLE]
        site.cms(near_article())
    else:
        site.cms(near_article())
        site.feed(release(text=RELEASE_BODY))
    run(site, 5)
    assert w.check() == [A_TITLE]
    assert superseded(site, 5, RELEASE_ID)[0] == CMS_ID
    w.idle(at(5))
    w.ok()


@pytest.mark.parametrize(
    "held",
    [{"status": "draft"}, {"status": "hidden"}, {"published": "2025-11-09 09:00:00"}],
    ids=["draft", "hidden", "embargoed"],
)
def test_near_copy_held_back_leaves_the_release_in(site: Site, held: dict[str, str]) -> None:
    w = released(site)
    site.cms(near_article(**held))
    run(site, 5)
    assert w.check() == [R_TITLE]
    w.idle(at(5))
    if "published" in held:
        run(site, 60 * 13)  # its time comes
    else:
        site.cms(near_article())
        run(site, 10)
    assert w.check() == [A_TITLE]
    assert feed_guid(site, 800, CMS_ID) == RELEASE_ID  # an update of the item readers have
    w.idle(at(800))
    w.ok()


@pytest.mark.parametrize("how", ["hide-publish", "delete", "cms-hidden-back"])
def test_near_copy_leaves_and_returns(site: Site, how: str) -> None:
    w = copied(site)
    assert w.check() == [A_TITLE]
    if how == "cms-hidden-back":
        site.cms(near_article(status="hidden"))
        run(site, 10)
        assert w.check() == [R_TITLE]
        w.idle(at(10))
        site.cms(near_article())
        run(site, 20)
        assert w.check() == [A_TITLE]
    else:
        edit(site, 10, lambda pf: pf.delete(CMS_ID) if how == "delete" else pf.set_status(CMS_ID, Status.HIDDEN))
        assert w.check() == [R_TITLE]
        w.idle(at(10))
        if how != "delete":
            edit(site, 20, lambda pf: pf.publish(CMS_ID))
            assert w.check() == [A_TITLE]
    w.idle(at(20))
    w.ok()


def test_near_copy_keep_both_then_article_edited(site: Site) -> None:
    w = copied(site)
    w.check()
    edit(site, 10, lambda pf: pf.publish(RELEASE_ID, keep_both=True))
    assert sorted(w.check(allow=({R_TITLE, A_TITLE},))) == sorted([R_TITLE, A_TITLE])
    w.idle(at(10))
    # the newsroom fixes one more typo: still a near copy, still kept both
    site.cms(near_article(NEAR.replace("난방에", "난방 에")))
    run(site, 20)
    assert sorted(w.check(allow=({R_TITLE, A_TITLE},))) == sorted([R_TITLE, A_TITLE])
    assert superseded(site, 20, RELEASE_ID) == (CMS_ID, True)
    w.idle(at(20))
    # then into an exact copy: the same article, the same exception
    site.cms(near_article(LONG_TEXT + CONTACT))
    run(site, 30)
    assert sorted(w.check(allow=({R_TITLE, A_TITLE},))) == sorted([R_TITLE, A_TITLE])
    assert superseded(site, 30, RELEASE_ID) == (CMS_ID, True)
    w.idle(at(30))
    w.ok()


def test_near_copy_of_a_source_that_keeps_its_releases(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", when_in_cms="keep")
    w = copied(site)
    both = ({R_TITLE, A_TITLE},)
    assert sorted(w.check(allow=both)) == sorted([R_TITLE, A_TITLE])
    assert superseded(site, 5, RELEASE_ID)[0] is None
    w.idle(at(5))
    w.ok()


def test_near_copy_upstream_update_of_the_release(site: Site) -> None:
    w = copied(site)
    assert w.check() == [A_TITLE]
    site.feed(release(text=RELEASE_BODY + " 사업비는 총 2조 원 규모다."))
    run(site, 10)
    assert w.check() == [A_TITLE]
    assert superseded(site, 10, RELEASE_ID)[0] == CMS_ID
    w.idle(at(10))
    w.ok()


# -- combinations ----------------------------------------------------------------------------------------------


def test_near_copy_and_an_exact_citation_of_another_release(site: Site) -> None:
    """The article cites JOBS by its source.url and is a near copy of the AI release: it cites one by its link,
    so it is a near copy of none (README): the AI release stays."""
    w = Watch(site, [{A_TITLE, J_TITLE}])
    site.feed(release(text=RELEASE_BODY), jobs())
    run(site, 0)
    w.check()
    site.cms(cms(url=JOBS_LINK, body=f"<p>(포탈뉴스통신) {NEAR}</p>"))
    run(site, 5)
    assert sorted(w.check()) == sorted([R_TITLE, A_TITLE])  # JOBS's item now shows the article
    assert superseded(site, 5, RELEASE_ID)[0] is None and superseded(site, 5, JOBS_ID)[0] == CMS_ID
    w.idle(at(5))
    w.ok()


def test_near_copy_edited_into_an_exact_copy_and_back(site: Site) -> None:
    w = released(site)
    for n, text in enumerate([NEAR, RELEASE_BODY, NEAR, LONG_TEXT.replace("꼼꼼히", "꼼꼼하게")], start=1):
        site.cms(near_article(text))
        run(site, 10 * n)
        assert w.check(f"edit {n}") == [A_TITLE]
        assert superseded(site, 10 * n, RELEASE_ID)[0] == CMS_ID
        assert feed_guid(site, 10 * n, CMS_ID) == RELEASE_ID
        w.idle(at(10 * n))
    w.ok()


@pytest.mark.parametrize("first", ["hidden", "draft", "later"])
def test_two_articles_near_one_release(site: Site, first: str) -> None:
    w = Watch(site, [{R_TITLE, A_TITLE}, {R_TITLE, SECOND_TITLE}])
    site.feed(release(text=RELEASE_BODY))
    run(site, 0)
    w.check()
    site.cms(near_article() + "---\n" + near_second(NEAR.replace("난방에", "난방 에")))
    run(site, 5)
    got = w.check()
    assert R_TITLE not in got and superseded(site, 5, RELEASE_ID)[0] in (CMS_ID, SECOND_ID)
    holder = superseded(site, 5, RELEASE_ID)[0]
    fields = {"status": first} if first != "later" else {"published": "2025-11-09 09:00:00"}
    if holder == CMS_ID:
        site.cms(near_article(**fields) + "---\n" + near_second(NEAR.replace("난방에", "난방 에")))
    else:
        site.cms(near_article() + "---\n" + near_second(NEAR.replace("난방에", "난방 에"), **fields))
    run(site, 10)
    got = w.check()
    assert len(got) == 1 and R_TITLE not in got, got
    assert superseded(site, 10, RELEASE_ID)[0] != holder
    w.idle(at(10))
    w.ok()


REGION = LONG_TEXT.replace("전남과 경북의", "{r} 지역의")


def region(n: int, r: str) -> str:
    return release(
        f"msit-region-{n}", RELEASE_LINK.replace("3186412", str(3186700 + n)), REGION.format(r=r) + CONTACT
    ).replace(R_TITLE, f"{r} 컴퓨팅센터 사업자 선정")


def region_id(n: int) -> str:
    return hashed_id(AUTHORITY, "source/msit", f"msit-region-{n}")


def test_one_article_near_two_releases_over_several_runs(site: Site) -> None:
    """The 서울 release, out already, is taken for the copy of 부산's; 부산's comes a run later: 서울's stands
    again, its item restamped once, never backwards; then nothing moves."""
    seoul, busan = region(0, "서울"), region(1, "부산")
    w = Watch(site, [{"부산 컴퓨팅센터 사업자 선정", A_TITLE}])
    site.feed(seoul)
    run(site, 0)
    assert w.check() == ["서울 컴퓨팅센터 사업자 선정"]
    site.cms(near_article(REGION.format(r="부산")))
    run(site, 5)
    assert w.check() == [A_TITLE]  # 서울's, the likeliest there is, taken over in place
    assert superseded(site, 5, region_id(0))[0] == CMS_ID and feed_guid(site, 5, CMS_ID) == region_id(0)
    site.feed(seoul, busan)
    run(site, 10)
    got10 = w.check()
    assert superseded(site, 10, region_id(1))[0] == CMS_ID and feed_guid(site, 10, CMS_ID) is None
    assert superseded(site, 10, region_id(0))[0] is None
    assert "서울 컴퓨팅센터 사업자 선정" in got10 and A_TITLE in got10
    for n in range(3):  # more runs, the same feeds
        run(site, 20 + 10 * n)
        w.check()
    site.feed(seoul, busan, region(2, "대구"))  # a third region's release: no more alike, takes nothing
    run(site, 45)
    assert "대구 컴퓨팅센터 사업자 선정" in w.check()
    assert superseded(site, 45, region_id(1))[0] == CMS_ID and superseded(site, 45, region_id(2))[0] is None
    assert w.redated.get(("atom", region_id(0))) == w.redated.get(("json", region_id(0))) == 2  # taken, given back
    w.idle(at(50))
    w.ok()


from test_stories import BRIEFING_ID, BRIEFING_LINK, JointSite, keeping_board  # noqa: E402


@pytest.mark.parametrize("keep", [False, True], ids=["supersede", "board-keeps"])
def test_near_copy_of_a_joint_release(tmp_path: Path, keep: bool) -> None:
    site = JointSite(tmp_path / "site")
    if keep:
        keeping_board(site)
    w = Watch(site, [STORY])
    site.briefing(release("156750100", BRIEFING_LINK, RELEASE_BODY))
    run(site, 0)
    assert w.check() == [R_TITLE]
    site.cms(near_article())
    run(site, 5)
    assert w.check() == [A_TITLE]
    assert feed_guid(site, 5, CMS_ID) == BRIEFING_ID
    site.feed(release(text=RELEASE_BODY))  # the board's copy, a run later
    run(site, 10)
    got = w.check(allow=({R_TITLE, A_TITLE},) if keep else ())
    assert sorted(got) == (sorted([R_TITLE, A_TITLE]) if keep else [A_TITLE]), got
    w.idle(at(10))
    w.ok()


def test_near_copy_flips_between_two_regions(site: Site) -> None:
    """Both regions' releases out; the article copies 부산's, then is edited to copy 서울's, then 부산's again."""
    seoul, busan = region(0, "서울"), region(1, "부산")
    S, B = "서울 컴퓨팅센터 사업자 선정", "부산 컴퓨팅센터 사업자 선정"
    w = Watch(site, [])
    site.feed(seoul, busan)
    run(site, 0)
    w.check()
    for n, r in enumerate(["부산", "서울", "부산", "서울"], start=1):
        site.cms(near_article(REGION.format(r=r)))
        run(site, 10 * n)
        got = w.check(f"copy of {r}")
        other = S if r == "부산" else B
        assert sorted(got) == sorted([other, A_TITLE]), (r, got)
        w.idle(at(10 * n))
    w.ok()


def test_near_copy_of_a_release_deleted_by_an_editor(site: Site) -> None:
    w = copied(site)
    w.check()
    edit(site, 10, lambda pf: pf.delete(RELEASE_ID))
    assert w.check() == [A_TITLE]
    w.idle(at(10))
    site.cms(near_article(NEAR.replace("난방에", "난방 에")))
    run(site, 20)
    assert w.check() == [A_TITLE] and feed_guid(site, 20, CMS_ID) == RELEASE_ID
    w.idle(at(20))
    w.ok()


def test_keep_both_then_the_article_becomes_a_rewrite_and_a_near_copy_again(site: Site) -> None:
    w = copied(site)
    w.check()
    edit(site, 10, lambda pf: pf.publish(RELEASE_ID, keep_both=True))
    both = ({R_TITLE, A_TITLE},)
    w.check(allow=both)
    rewrite = "정부가 국가 AI 컴퓨팅센터를 맡을 컨소시엄을 골랐다. 업계는 연산 자원 부족이 풀릴지 주목한다. " * 6
    site.cms(near_article(rewrite + LONG_TEXT.split(". ")[1] + "."))
    run(site, 20)
    assert sorted(w.check(allow=both)) == sorted([R_TITLE, A_TITLE])
    assert superseded(site, 20, RELEASE_ID) == (None, False)
    site.cms(near_article())  # a near copy again: the exception went with the citation
    run(site, 30)
    assert w.check() == [A_TITLE]
    w.idle(at(30))
    w.ok()


def test_near_copy_upstream_correction_or_long_addition(site: Site) -> None:
    """README: an upstream update of a superseded release does not bring it back."""
    w = copied(site)
    assert w.check() == [A_TITLE]
    site.feed(
        release(
            text=RELEASE_BODY
            + " 붙임 자료에서 권역별 연산 자원 배치 계획과 사업자 선정 평가 결과를 자세히 확인할 수 있다." * 3
        )
    )
    run(site, 10)
    assert w.check() == [A_TITLE] and superseded(site, 10, RELEASE_ID)[0] == CMS_ID
    w.idle(at(10))
    w.ok()


@pytest.mark.parametrize("body", ["exact", "near"])
def test_an_edit_of_the_copy_of_a_deleted_release_keeps_the_item_readers_have(site: Site, body: str) -> None:
    """The release was out, its copy took its guid, an editor deleted the release: readers have the article
    under the release's guid. A later edit of the article (its title) must not move it to a guid of its own:
    readers would get the article a second time. It held for an exact copy (the release's dedupe keys outlive
    it), not for a near one (the release's passage keys and text are gone: no pair is found)."""
    text = RELEASE_BODY if body == "exact" else NEAR
    site.feed(release(text=RELEASE_BODY))
    run(site, 0)
    site.cms(near_article(text))
    run(site, 5)
    edit(site, 10, lambda pf: pf.delete(RELEASE_ID))
    assert site.guids()["atom"] == [RELEASE_ID]
    site.cms(near_article(text, title=A_TITLE + " (종합)"))
    run(site, 20)
    assert site.guids()["atom"] == [RELEASE_ID]
    assert feed_guid(site, 20, CMS_ID) == RELEASE_ID


def test_near_copy_of_a_held_title_only_release(site: Site) -> None:
    """The board gives the release's title only (held: nothing to publish); the article, a near copy, comes;
    the text comes a run later."""
    w = Watch(site, [STORY])
    title_only = re.sub(r"<description>.*</description>", "", release(text=RELEASE_BODY))
    site.feed(title_only)
    run(site, 0)
    assert w.check() == []
    site.cms(near_article())
    run(site, 5)
    assert w.check() == [A_TITLE]
    site.feed(release(text=RELEASE_BODY))
    run(site, 10)
    got = w.check()
    assert got == [A_TITLE], got
    assert superseded(site, 10, RELEASE_ID)[0] == CMS_ID
    w.idle(at(10))
    w.ok()


def test_near_copy_of_an_empty_body_release(site: Site) -> None:
    w = Watch(site, [STORY])
    site.feed(release(text=""))
    run(site, 0)
    assert w.check() == []  # nothing to publish
    site.cms(near_article())
    run(site, 5)
    assert w.check() == [A_TITLE]
    site.feed(release(text=RELEASE_BODY))  # upstream fills it in
    run(site, 10)
    assert w.check() == [A_TITLE]
    assert superseded(site, 10, RELEASE_ID)[0] == CMS_ID and feed_guid(site, 10, CMS_ID) is None  # never seen
    w.idle(at(10))
    w.ok()


def test_release_embargoed_for_later_and_its_near_copy(site: Site) -> None:
    """The near copy is embargoed (published later) while the release is out; then moved earlier."""
    w = released(site)
    site.cms(near_article(published=kst(at(120))))
    run(site, 5)
    assert w.check() == [R_TITLE]
    w.idle(at(5))
    site.cms(near_article(published=kst(at(240))))  # moved later still
    run(site, 10)
    assert w.check() == [R_TITLE]
    run(site, 250)
    assert w.check() == [A_TITLE]
    w.idle(at(250))
    w.ok()


def test_hostile_two_megabyte_near_copy_end_to_end(site: Site) -> None:
    """2 MB of padding after a near copy's text: no near copy (not alike), compared on its first 20,000
    characters (how long it takes is the benchmark's business, not a test's)."""
    w = Watch(site, [])
    site.feed(release(text=RELEASE_BODY))
    run(site, 0)
    w.check()
    huge = NEAR + " " + ("가나다라마바사아자차카타파하 " * 150_000)[:2_000_000]
    site.cms(near_article(huge))
    run(site, 5)
    w.check()
    assert superseded(site, 5, RELEASE_ID)[0] is None
    site.cms(near_article(huge + "."))  # edited: compared again
    run(site, 10)
    w.check()
    assert superseded(site, 10, RELEASE_ID)[0] is None
    w.idle(at(10))
    w.ok()
