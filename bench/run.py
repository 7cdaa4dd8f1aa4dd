#!/usr/bin/env python3
"""pressfeed benchmark: generated Korean press data, each figure measured beside a "floor".

    python bench/run.py [--size tiny|small|full] [--json FILE] [--workdir DIR] [--profile DIR]

Everything runs in this process through the library API (``pressfeed.core.Pressfeed``,
``pressfeed.config.load_config``), except the peak-memory figure, which runs a forced
build in a child process (``bench/run.py --child-build SITE``). A floor is the same
work done with the bare libraries (feedgen, json, nh3, feedparser) in the same run.

The data is generated from a fixed vocabulary with ``random.Random(42)``, so every run
measures the same bytes. The exit code is 0 when targets are missed (this is a
measurement; missed rows say MISSED); it is 1 only when a stage crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import hashlib
import html
import io
import json
import math
import os
import platform
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import feedparser
import nh3
from feedgen.feed import FeedGenerator

import pressfeed
import pressfeed.ingest  # imported before timing, as feedparser is for its floor
from pressfeed.clock import fixed
from pressfeed.config import Config, load_config
from pressfeed.core import Pressfeed
from pressfeed.model import Article, ArticleFilter, Attachment, Attribution, Image, Status, encode
from pressfeed.publish.build import feed_specs
from pressfeed.publish.common import FeedSpec
from pressfeed.publish.feeds import render_atom, render_rss
from pressfeed.publish.jsonfeed import render_json
from pressfeed.store.base import ArticleWrite

T = TypeVar("T")

# -- sizes --------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    store: int  # articles in the big build store (N)
    small_store: int  # articles in the scaling store (N/10)
    records: int  # CMS JSON Lines records imported (M)
    feeds: int  # agency feeds ingested (F)
    items: int  # items per feed
    latency: float  # seconds the HTTP server waits before answering
    build_runs: int  # forced builds and floors (median)
    naive_runs: int  # naive rebuilds (median)


SIZES = {
    "tiny": Size(500, 100, 300, 6, 5, 0.05, 1, 1),
    "small": Size(10_000, 1_000, 10_000, 50, 30, 0.2, 3, 3),
    "full": Size(100_000, 10_000, 100_000, 200, 30, 0.2, 3, 3),
}
CONCURRENCY = 20  # fetch.concurrency of the ingest sites
HOSTS = 50  # loopback hosts 127.0.0.2 … 127.0.0.51
STEADY_RUNS = 5  # no-op and incremental builds: median of 5
ITEMS_PER_FEED = 50
BATCH = 5000  # store fill batch

# -- the fixed world ------------------------------------------------------------

#: the benchmark's "now" (2025-11-08 21:00 KST); every Pressfeed gets this clock
NOW = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
CLOCK = fixed(NOW)
KST = timezone(timedelta(hours=9))
#: the newest article of a generated store; incremental articles go after it, before NOW
STORE_NEWEST = NOW - timedelta(hours=1)
SITE_URL = "https://www.example-portal.kr/"
AUTHORITY = "example-portal.kr,2025"
BYLINE = "포탈뉴스통신"

SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("politics", "정치", ("정치일반",)),
    ("society", "사회", ("사회일반",)),
    ("economy", "경제", ("경제일반",)),
    ("it-science", "IT/과학", ("IT·과학", "science")),
    ("world", "국제", ("국제일반",)),
    ("culture", "문화", ("문화일반",)),
    ("sports", "스포츠", ("체육",)),
    ("entertainment", "연예", ("방송연예",)),
    ("education", "교육", ("교육일반",)),
    ("environment", "환경", ("기후환경",)),
    ("health", "건강", ("의료",)),
    ("real-estate", "부동산", ("주택",)),
    ("industry", "산업", ("산업일반",)),
    ("finance", "금융", ("증권",)),
    ("labor", "노동", ("고용",)),
    ("welfare", "복지", ("복지일반",)),
    ("regions", "지역", ("전국",)),
    ("agriculture", "농림", ("농업",)),
    ("oceans", "해양수산", ("수산",)),
    ("defense", "국방", ("안보",)),
    ("diplomacy", "외교", ("통상",)),
    ("law", "법률", ("법원검찰",)),
    ("family", "여성가족", ("가족",)),
    ("veterans", "보훈", ("국가보훈",)),
    ("transport", "교통", ("철도",)),
    ("energy", "에너지", ("전력",)),
    ("smes", "중소기업", ("벤처",)),
    ("tourism", "관광", ("여행",)),
    ("government", "행정", ("지방자치",)),
    ("opinion", "오피니언", ("사설",)),
)

AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("msit", "과학기술정보통신부", "https://www.msit.go.kr/"),
    ("moef", "기획재정부", "https://www.moef.go.kr/"),
    ("molit", "국토교통부", "https://www.molit.go.kr/"),
    ("kma", "기상청", "https://www.kma.go.kr/"),
    ("mofa", "외교부", "https://www.mofa.go.kr/"),
    ("moe", "교육부", "https://www.moe.go.kr/"),
    ("mohw", "보건복지부", "https://www.mohw.go.kr/"),
    ("moel", "고용노동부", "https://www.moel.go.kr/"),
    ("me", "환경부", "https://www.me.go.kr/"),
    ("motie", "산업통상자원부", "https://www.motie.go.kr/"),
    ("mafra", "농림축산식품부", "https://www.mafra.go.kr/"),
    ("mof", "해양수산부", "https://www.mof.go.kr/"),
    ("mnd", "국방부", "https://www.mnd.go.kr/"),
    ("moj", "법무부", "https://www.moj.go.kr/"),
    ("mogef", "여성가족부", "https://www.mogef.go.kr/"),
    ("mpva", "국가보훈부", "https://www.mpva.go.kr/"),
    ("mois", "행정안전부", "https://www.mois.go.kr/"),
    ("mcst", "문화체육관광부", "https://www.mcst.go.kr/"),
    ("mss", "중소벤처기업부", "https://www.mss.go.kr/"),
    ("mfds", "식품의약품안전처", "https://www.mfds.go.kr/"),
    ("customs", "관세청", "https://www.customs.go.kr/"),
    ("nts", "국세청", "https://www.nts.go.kr/"),
    ("police", "경찰청", "https://www.police.go.kr/"),
    ("nfa", "소방청", "https://www.nfa.go.kr/"),
    ("kostat", "통계청", "https://kostat.go.kr/"),
    ("pps", "조달청", "https://www.pps.go.kr/"),
    ("kipo", "특허청", "https://www.kipo.go.kr/"),
    ("forest", "산림청", "https://www.forest.go.kr/"),
    ("kdca", "질병관리청", "https://www.kdca.go.kr/"),
    ("mou", "통일부", "https://www.unikorea.go.kr/"),
)

_WORD_TEXT = """
정부 과학기술 인공지능 디지털 전환 지원 사업 추진 계획 발표 지역 산업 경제 성장 일자리 창출 기업 중소기업
벤처 창업 투자 확대 예산 편성 정책 방향 국민 안전 생활 개선 제도 마련 현장 점검 간담회 개최 협력 강화
업무협약 체결 공모 선정 결과 기술개발 연구 성과 혁신 생태계 조성 기반 구축 데이터 플랫폼 서비스 제공 운영
관리 체계 고도화 방안 논의 의견 수렴 청취 참석 장관 차관 위원회 회의 심의 의결 법률 개정안 시행령 입법예고
공포 시행 대상 기준 완화 규제 세액공제 금융 보증 융자 수출 시장 진출 글로벌 경쟁력 확보 인재 양성 교육
훈련 프로그램 청년 고용 노동 복지 의료 보건 건강 기후 탄소중립 에너지 전력 수소 재생에너지 환경 보호 교통
철도 도로 항공 주택 공급 부동산 안정 농업 농촌 어업 해양 수산 문화 관광 체육 콘텐츠 국방 외교 통상 협상
국제 기상 재난 대응 예방 소방 치안 보훈 여성 가족 아동 돌봄 지방자치 행정 공공기관 민관 합동 특별 전담팀
점검회의 실태조사 통계 동향 분석 전망 상반기 하반기 올해 내년 단계적 본격 착수 완료 반도체 데이터센터
"""
WORDS = tuple(_WORD_TEXT.split())
PARTICLES = ("", "", "", "은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "과", "와", "및")
ENDINGS = (
    "추진한다고 밝혔다.",
    "발표했다.",
    "개최했다고 밝혔다.",
    "강조했다.",
    "계획이다.",
    "예정이다.",
    "지원할 방침이다.",
    "마련했다.",
    "논의했다.",
    "당부했다.",
)
TITLE_ENDS = ("추진", "개최", "발표", "착수", "시행", "공모", "선정", "확대", "강화", "체결")


class Corpus:
    """A pool of paragraphs, drawn once from Random(42); bodies are made of pool paragraphs."""

    def __init__(self, rng: random.Random) -> None:
        self.paragraphs = [self._paragraph(rng) for _ in range(800)]
        self.sizes = [len(p.encode()) for p in self.paragraphs]

    @staticmethod
    def _sentence(rng: random.Random) -> str:
        words = " ".join(w + rng.choice(PARTICLES) for w in rng.choices(WORDS, k=rng.randint(7, 13)))
        if rng.random() < 0.15:
            return f"“{words} {rng.choice(ENDINGS)[:-1]}”라고 말했다."
        return f"{words} {rng.choice(ENDINGS)}"

    def _paragraph(self, rng: random.Random) -> str:
        text = " ".join(self._sentence(rng) for _ in range(rng.randint(2, 4)))
        return f"<p>{text}</p>"

    def title(self, rng: random.Random, agency: str) -> str:
        words = " ".join(rng.choices(WORDS, k=rng.randint(4, 8)))
        return f"{agency}, {words} {rng.choice(TITLE_ENDS)}"

    def words(self, rng: random.Random, low: int, high: int) -> str:
        return " ".join(w + rng.choice(PARTICLES) for w in rng.choices(WORDS, k=rng.randint(low, high)))

    def body(self, rng: random.Random, low: int, high: int, extras: Sequence[str] = ()) -> str:
        """Paragraphs until the UTF-8 size reaches a target in [low, high]; `extras` go in the middle."""
        target = rng.randint(low, high)
        parts = ["<p>(포탈뉴스통신) " + self.paragraphs[rng.randrange(len(self.paragraphs))][3:]]
        size = len(parts[0].encode())
        while size < target:
            k = rng.randrange(len(self.paragraphs))
            parts.append(self.paragraphs[k])
            size += self.sizes[k]
        for extra in extras:
            parts.insert(rng.randint(1, len(parts)), extra)
        return "\n".join(parts)


def plain(html_text: str, length: int = 200) -> str:
    text = html_text.replace("<p>", "").replace("</p>", " ").replace("\n", " ")
    return text[:length].rsplit(" ", 1)[0] + "…" if len(text) > length else text


def kst_text(when: datetime) -> str:
    """A naive KST date as Korean CMSs and korea.kr write them: "2025-11-07 09:00:00"."""
    return when.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


# -- generated data -------------------------------------------------------------


def store_article(index: int, count: int, rng: random.Random, corpus: Corpus) -> Article:
    """Article `index` of a `count`-article store, already normalized (absolute URLs, plain text)."""
    slug = SECTIONS[rng.randrange(len(SECTIONS))][0]
    agency_id, agency, home = AGENCIES[rng.randrange(len(AGENCIES))]
    published = STORE_NEWEST - timedelta(minutes=count - 1 - index)
    updated = published + timedelta(minutes=rng.choice((0, 0, 0, 5, 30)))
    news_id = 156_000_000 + index
    link = f"{SITE_URL}news/articleView.html?idxno={100_000 + index}"
    photo = f"{SITE_URL}news/photo/202511/{100_000 + index}_1.jpg"
    extras = [f'<p><img src="{photo}" alt="{corpus.words(rng, 2, 4)}"></p>']
    if rng.random() < 0.3:
        extras.append(f'<p>관련 기사: <a href="{SITE_URL}news/articleView.html?idxno={index}">이전 보도</a></p>')
    body = corpus.body(rng, 2000, 4000, extras)
    attachments: tuple[Attachment, ...] = ()
    if rng.random() < 0.2:
        url = f"https://www.korea.kr/common/download.do?fileId={news_id}&tblKey=GMN"
        attachments = (Attachment(url, "application/x-hwp", rng.randint(50_000, 400_000), "보도자료 원문"),)
    return Article(
        id=f"tag:{AUTHORITY}:article/{100_000 + index}",
        title=corpus.title(rng, agency),
        section=slug,
        published=published,
        updated=updated,
        link=link,
        subtitle=corpus.words(rng, 5, 9),
        summary=plain(body),
        body_html=body,
        byline=BYLINE,
        tags=tuple(dict.fromkeys(rng.choices(WORDS, k=rng.randint(2, 5)))),
        images=(Image(photo, "image/jpeg", rng.randint(40_000, 300_000), corpus.words(rng, 4, 8)),),
        attachments=attachments,
        status=Status.PUBLISHED,
        source=Attribution(
            name=agency,
            home=home,
            feed=f"https://www.korea.kr/rss/dept_{agency_id}.xml",
            url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={news_id}",
            published=published - timedelta(hours=1),
            credit=f"[뉴스출처 : {agency}]",
        ),
    )


def fill_store(pf: Pressfeed, count: int, corpus: Corpus) -> None:
    rng = random.Random(f"42:store:{count}")
    for start in range(0, count, BATCH):
        batch = [store_article(i, count, rng, corpus) for i in range(start, min(count, start + BATCH))]
        pf.store.write([ArticleWrite.from_upstream(encode(a), "cms") for a in batch])


def new_article(site_key: str, k: int, corpus: Corpus) -> Article:
    """The k-th article added for an incremental build: newest of all, still before NOW."""
    rng = random.Random(f"42:new:{site_key}:{k}")
    article = store_article(0, 1, rng, corpus)
    published = STORE_NEWEST + timedelta(minutes=1 + k)
    return replace(
        article,
        id=f"tag:{AUTHORITY}:article/new-{k}",
        section=SECTIONS[k % len(SECTIONS)][0],
        published=published,
        updated=published,
    )


def cms_record(index: int, count: int, rng: random.Random, corpus: Corpus) -> dict[str, Any]:
    """A CMS export record as the README's record table describes it (relative links, naive dates)."""
    slug, title, aliases = SECTIONS[rng.randrange(len(SECTIONS))]
    agency_id, agency, home = AGENCIES[rng.randrange(len(AGENCIES))]
    number = 200_000 + index
    published = STORE_NEWEST - timedelta(minutes=count - 1 - index)
    extras = [f'<p><img src="/news/photo/202511/{number}_1.jpg" alt="{corpus.words(rng, 2, 4)}"></p>']
    if rng.random() < 0.4:
        extras.append(f'<p>관련 기사: <a href="/news/articleView.html?idxno={number - 7}">이전 보도</a></p>')
    body = corpus.body(rng, 2000, 4000, extras)
    if rng.random() < 0.5:
        body += f"\n<p>[뉴스출처 : {agency}]</p>"
    record: dict[str, Any] = {
        "id": number,
        "title": corpus.title(rng, agency),
        "subtitle": corpus.words(rng, 5, 9),
        "section": rng.choice((slug, title, *aliases)),
        "published": kst_text(published),
        "byline": rng.choice((BYLINE, "홍길동 기자", "김영희 기자")),
        "link": f"/news/articleView.html?idxno={number}",
        "tags": list(dict.fromkeys(rng.choices(WORDS, k=rng.randint(2, 5)))),
        "images": [
            {
                "url": f"/news/photo/202511/{number}_1.jpg",
                "type": "image/jpeg",
                "length": rng.randint(40_000, 300_000),
                "caption": corpus.words(rng, 4, 8),
            }
        ],
        "status": rng.choices(("published", "draft", "hidden"), (95, 4, 1))[0],
        "source": {
            "name": agency,
            "home": home,
            "feed": f"https://www.korea.kr/rss/dept_{agency_id}.xml",
            "url": f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={156_500_000 + index}",
            "published": kst_text(published - timedelta(hours=1)),
            "credit": f"[뉴스출처 : {agency}]",
        },
        "body_html": body,
    }
    if rng.random() < 0.5:
        record["summary"] = plain(body)
    if rng.random() < 0.3:
        record["updated"] = kst_text(published + timedelta(minutes=30))
    if rng.random() < 0.2:
        record["attachments"] = [
            {
                "url": f"/news/files/{number}.hwp",
                "type": "application/x-hwp",
                "length": rng.randint(50_000, 400_000),
                "title": "보도자료 원문",
            }
        ]
    return record


def write_records(path: Path, count: int, corpus: Corpus) -> None:
    rng = random.Random(f"42:cms:{count}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(cms_record(i, count, rng, corpus), ensure_ascii=False) + "\n")


def agency_feed(index: int, items: int, corpus: Corpus) -> bytes:
    """A korea.kr-style RSS 2.0 feed: guid, tracking link, naive KST pubDate, HTML description, enclosure."""
    rng = random.Random(f"42:feed:{index}")
    agency_id, agency, _ = AGENCIES[index % len(AGENCIES)]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{agency} 보도자료</title>",
        "<link>https://www.korea.kr/</link>",
        f"<description>정책브리핑 - {agency}의 최신 보도자료를 제공합니다.</description>",
        "<language>ko</language>",
        "<copyright>대한민국 정책브리핑 (www.korea.kr)</copyright>",
        f"<lastBuildDate>{kst_text(NOW - timedelta(minutes=index))}</lastBuildDate>",
        f'<atom:link href="https://www.korea.kr/rss/dept_{agency_id}.xml" rel="self" type="application/rss+xml"/>',
    ]
    for k in range(items):
        news_id = 157_000_000 + index * 1000 + k
        when = NOW - timedelta(hours=2 * k + 1, minutes=index)
        image = f'<p><img src="/newsWeb/resources/attaches/2025.11/{news_id}.jpg" alt="사진"></p>'
        description = corpus.body(rng, 1000, 3000, [image])
        file_id = 1_977_000 + index * 1000 + k
        out += [
            "<item>",
            f"<title>{html.escape(corpus.title(rng, agency), quote=False)}</title>",
            f"<link>https://www.korea.kr/briefing/pressReleaseView.do?newsId={news_id}&amp;call_from=rsslink</link>",
            f'<guid isPermaLink="false">{agency_id}-{news_id}</guid>',
            f"<dc:creator>{agency}</dc:creator>",
            f"<pubDate>{kst_text(when)}</pubDate>",
            f"<description><![CDATA[{description}]]></description>",
            f'<enclosure url="https://www.korea.kr/common/download.do?fileId={file_id}&amp;tblKey=GMN" '
            f'length="{rng.randint(50_000, 400_000)}" type="application/x-hwp"/>',
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


# -- sites ----------------------------------------------------------------------


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def config_text(sources: Sequence[tuple[str, str, str, str, str]] = (), workers: int | None = None) -> str:
    """feeds/pressfeed.yaml with the 30 sections; sources are (id, name, home, url, section)."""
    lines = [
        "# generated by bench/run.py",
        "site:",
        "  title: 포탈뉴스통신",
        f"  url: {SITE_URL}",
        f"  feed_url: {SITE_URL}feeds/",
        "  language: ko",
        "  timezone: Asia/Seoul",
        "  description: 포탈뉴스통신의 섹션별 최신 기사",
        f"  tag_authority: {AUTHORITY}",
        "store:",
        "  path: .pressfeed/pressfeed.db",
        "output:",
        "  dir: public",
        f"  items_per_feed: {ITEMS_PER_FEED}",
        "sections:",
    ]
    for number, (slug, title, aliases) in enumerate(SECTIONS, 1):
        lines += [
            f"  {slug}:",
            f"    title: {q(title)}",
            f"    aliases: [{', '.join(q(a) for a in aliases)}]",
            f"    url: {SITE_URL}news/articleList.html?sc_section_code=S1N{number}",
        ]
    if sources:
        lines.append("sources:")
        for source_id, name, home, url, section in sources:
            lines += [
                f"  - id: {source_id}",
                f"    name: {q(name)}",
                f"    home: {home}",
                f"    url: {q(url)}",
                f"    section: {section}",
                f"    byline: {BYLINE}",
            ]
        lines += ["fetch:", f"  concurrency: {CONCURRENCY}"]
        if workers is not None:
            lines.append(f"  workers: {workers}")
    return "\n".join(lines) + "\n"


def make_site(root: Path, sources: Sequence[tuple[str, str, str, str, str]] = (), workers: int | None = None) -> Path:
    config = root / "feeds" / "pressfeed.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text(sources, workers), encoding="utf-8")
    return root


def open_site(root: Path) -> Pressfeed:
    # an explicit config path: a PRESSFEED_CONFIG in the environment must not leak in
    # auto_workers: measure what the pressfeed command does (this script is guarded, pools may start)
    return Pressfeed(load_config(root, root / "feeds" / "pressfeed.yaml"), clock=CLOCK, auto_workers=True)


def source_rows(count: int, url: Callable[[int], str]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for i in range(count):
        agency_id, agency, home = AGENCIES[i % len(AGENCIES)]
        rows.append((f"dept-{i:03d}-{agency_id}", agency, home, url(i), SECTIONS[i % len(SECTIONS)][0]))
    return rows


# -- measuring --------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    floor: float | None
    ratio: float | None
    target: str
    met: bool
    note: str = ""


class Bench:
    def __init__(self, size_name: str, work: Path, profile_dir: Path | None) -> None:
        self.size_name, self.size, self.work = size_name, SIZES[size_name], work
        self.rows: list[Row] = []
        self.errors: list[str] = []
        self.profile_dir = profile_dir
        self.profiled: set[str] = set()
        self.started = time.perf_counter()
        self.corpus = Corpus(random.Random(42))

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)

    def row(
        self,
        figure: str,
        value: float | None,
        unit: str,
        floor: float | None,
        limit: float | None,
        target: str,
        note: str = "",
        *,
        absolute: bool = False,
        exact: bool = False,
    ) -> None:
        """`limit` bounds value/floor, or the value itself when `absolute` (equal to it when `exact`).

        A row without a limit is information beside a target row; it counts as met.
        """
        ratio = value / floor if value is not None and floor else None
        if limit is None:
            met = True
        elif value is None:
            met = False
        elif exact:
            met = value == limit
        elif absolute:
            met = value <= limit
        else:
            met = ratio is not None and ratio <= limit
        self.rows.append(Row(figure, value, unit, floor, ratio, target, met, note))

    def call(self, name: str, fn: Callable[[], T]) -> T:
        """fn(), under cProfile the first time `name` runs when --profile is on."""
        if self.profile_dir is None or name in self.profiled:
            return fn()
        self.profiled.add(name)
        profiler = cProfile.Profile()
        try:
            return profiler.runcall(fn)
        finally:
            self.profile_dir.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(self.profile_dir / f"{name}.prof")
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
            (self.profile_dir / f"{name}.txt").write_text(text.getvalue(), encoding="utf-8")

    def stage(self, name: str, figures: Sequence[tuple[str, str]], fn: Callable[[], None]) -> None:
        """Run one stage; a crash becomes error rows for its figures (and exit code 1)."""
        try:
            fn()
        except Exception as exc:
            traceback.print_exc()
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            done = {r.figure for r in self.rows}
            for figure, unit in figures:
                if figure not in done:
                    self.rows.append(Row(figure, None, unit, None, None, "", False, f"ERROR in {name}: {exc}"))


def wall(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cpu_and_wall(fn: Callable[[], T]) -> tuple[float, float, T]:
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - cpu, time.perf_counter() - start, result


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# -- build: floor and naive --------------------------------------------------------


def feed_articles(pf: Pressfeed) -> list[tuple[FeedSpec, list[Article]]]:
    """The 31 feeds and their items as Article objects (what the floor renders, loaded untimed)."""
    out = []
    for spec in feed_specs(pf.config):
        keys = pf.store.feed_keys(spec.key or None, NOW, pf.config.output.items_per_feed)
        found = pf.store.get_many([k for k, _ in keys])
        out.append((spec, [found[k].article for k, _ in keys]))
    return out


def floor_build(feeds: Sequence[tuple[FeedSpec, list[Article]]], out_dir: Path, *, complete: bool = True) -> int:
    """Bare feedgen + json.dumps of the same items, written to files: what any feed writer must do.

    `complete` renders the same fields pressfeed publishes (categories, lead-image
    enclosure, agency <source>, credit line, attribution in JSON) through feedgen's
    own API and writes each file durably (temp, fsync, rename, one directory fsync),
    as pressfeed must. Without it: the minimal fields and plain writes, for reference.
    """
    files = 0
    dirs: set[Path] = set()
    for spec, articles in feeds:
        fg = FeedGenerator()
        fg.id(spec.id)
        fg.title(spec.title)
        fg.link(href=spec.html_url, rel="alternate")
        fg.description(spec.description)
        fg.updated(max((a.updated for a in articles), default=NOW))
        items = []
        for a in articles:
            body = a.body_html + (f"<p>{a.source.credit}</p>" if complete and a.source else "")
            fe = fg.add_entry(order="append")
            fe.id(a.id)
            fe.title(a.title)
            fe.link(href=a.link)
            fe.content(body, type="html")
            fe.summary(a.summary)
            fe.published(a.published)
            fe.updated(a.updated)
            fe.author({"name": a.byline})
            item = {
                "id": a.id,
                "url": a.link,
                "title": a.title,
                "content_html": body,
                "summary": a.summary,
                "date_published": a.published.isoformat(),
                "date_modified": a.updated.isoformat(),
                "authors": [{"name": a.byline}],
                "tags": list(a.tags),
                **({"image": a.images[0].url} if a.images else {}),
            }
            if complete:
                fe.category([{"term": a.section}] + [{"term": t} for t in a.tags])
                if a.images:
                    image = a.images[0]
                    fe.enclosure(image.url, str(image.length), image.type)
                if a.source:
                    fe.source(url=a.source.feed or a.source.home, title=a.source.name)
                    item["external_url"] = a.source.url
                    item["_pressfeed"] = {"section": a.section, "source": {"name": a.source.name, "url": a.source.url}}
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": spec.title,
            "home_page_url": spec.html_url,
            "feed_url": spec.json_url,
            "items": items,
        }
        separators = (",", ":") if complete else None
        outputs = (
            (spec.rss_path, fg.rss_str(pretty=True)),
            (spec.atom_path, fg.atom_str(pretty=True)),
            (spec.json_path, json.dumps(feed, ensure_ascii=False, separators=separators).encode()),
        )
        for path, data in outputs:
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if complete:
                durable_write(target, data)
                dirs.add(target.parent)
            else:
                target.write_bytes(data)
            files += 1
    for directory in dirs:
        fd = os.open(directory, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    return files


def durable_write(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def naive_build(pf: Pressfeed, out_dir: Path) -> int:
    """What a user would write first: load every article, group in Python, render and write everything."""
    limit = pf.config.output.items_per_feed
    site: list[Article] = []
    sections: dict[str, list[Article]] = defaultdict(list)
    for stored in pf.store.articles(ArticleFilter()):  # newest first
        article = stored.article
        if article.status != Status.PUBLISHED or article.published > NOW:
            continue
        if len(site) < limit:
            site.append(article)
        items = sections[article.section]
        if len(items) < limit:
            items.append(article)
    files = 0
    for spec in feed_specs(pf.config):
        articles = sections.get(spec.key, []) if spec.key else site
        if articles:
            spec = replace(spec, updated=max(a.updated for a in articles))
        for path, render in ((spec.rss_path, render_rss), (spec.atom_path, render_atom), (spec.json_path, render_json)):
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render(spec, articles))
            files += 1
    return files


def peak_rss_kib() -> int:
    """This process's RSS high-water mark in KiB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec() from the parent's
    address space, so a child of a big benchmark process would report the parent's size.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_build(site: Path, out_dir: Path) -> None:
    """--child-build: a forced build of `site` into `out_dir`; prints RSS high-water marks (KiB) as JSON."""
    pf = open_site(site)
    config: Config = replace(pf.config, output=replace(pf.config.output, dir=out_dir))
    pf = Pressfeed(config, store=pf.store, clock=CLOCK, auto_workers=True)
    opened = peak_rss_kib()
    result = pf.build(force=True)
    peak = peak_rss_kib()
    pf.close()
    print(json.dumps({"opened_kib": opened, "peak_kib": peak, "written": len(result.written)}))


class BuildSite:
    """A site with a generated store of `count` articles."""

    def __init__(self, bench: Bench, name: str, count: int) -> None:
        self.bench, self.count, self.name = bench, count, name
        self.root = make_site(bench.work / name)
        self.pf = open_site(self.root)
        self.added = 0
        bench.log(f"{name}: filling a {count}-article store")
        fill_store(self.pf, count, bench.corpus)

    @property
    def out(self) -> Path:
        return self.pf.config.output.dir

    def forced(self, runs: int, label: str) -> float:
        times = []
        for _ in range(runs):
            shutil.rmtree(self.out, ignore_errors=True)
            elapsed, result = wall(lambda: self.bench.call(label, lambda: self.pf.build(force=True)))
            feeds = (len(SECTIONS) + 1) * 3  # plus the OPML list and the index page
            if len(result.written) < feeds:
                raise RuntimeError(f"forced build into an empty dir wrote {len(result.written)} files, not {feeds}+")
            times.append(elapsed)
        return median(times)

    def noop(self, label: str) -> tuple[float, list[int]]:
        times, written = [], []
        for _ in range(STEADY_RUNS):
            elapsed, result = wall(lambda: self.bench.call(label, self.pf.build))
            times.append(elapsed)
            written.append(len(result.written))
        return median(times), written

    def add_article(self) -> str:
        article = new_article(self.name, self.added, self.bench.corpus)
        self.added += 1
        self.pf.store.write([ArticleWrite.from_upstream(encode(article), "cms")])
        return article.section

    def incremental(self, label: str) -> tuple[float, list[bool], list[int]]:
        times, exact, written = [], [], []
        for _ in range(STEADY_RUNS):
            section = self.add_article()
            elapsed, result = wall(lambda: self.bench.call(label, self.pf.build))
            expected = {f"{section}/rss.xml", f"{section}/atom.xml", f"{section}/feed.json", f"{section}/index.html"}
            expected |= {"rss.xml", "atom.xml", "feed.json", "index.html"}
            times.append(elapsed)
            exact.append(set(result.written) == expected and len(result.written) == len(expected))
            written.append(len(result.written))
        return median(times), exact, written

    def naive(self, runs: int, *, add: bool) -> float:
        times = []
        out = self.root / "naive-public"
        for _ in range(runs):
            if add:
                self.add_article()
            elapsed, _ = wall(lambda: naive_build(self.pf, out))
            times.append(elapsed)
        return median(times)


def build_stage(bench: Bench) -> None:
    size = bench.size
    big = BuildSite(bench, "build-N", size.store)
    small = BuildSite(bench, "build-N10", size.small_store)
    n, n10 = size.store, size.small_store

    bench.log("full build: floor (bare feedgen + json.dumps)")
    feeds = feed_articles(big.pf)
    floor_dir = big.root / "floor-public"

    def floor_time(complete: bool) -> float:
        times = []
        for _ in range(size.build_runs):
            shutil.rmtree(floor_dir, ignore_errors=True)
            times.append(wall(lambda: floor_build(feeds, floor_dir, complete=complete))[0])
        return median(times)

    floor = floor_time(True)
    minimal_floor = floor_time(False)
    bench.log("full build: pressfeed build(force=True)")
    full = big.forced(size.build_runs, "build-full")
    items = sum(len(a) for _, a in feed_articles(big.pf))
    bench.row(
        "full build",
        full,
        "s",
        floor,
        1.5,
        "≤ 1.5× floor",
        f"N={n}; 31 feeds × 3 formats, {items} items rendered; median of {size.build_runs}; floor renders the "
        "same fields with bare feedgen and writes durably",
    )
    bench.row(
        "full build vs minimal floor",
        full,
        "s",
        minimal_floor,
        None,
        "info (no target)",
        "floor = bare feedgen with id/title/link/content/summary/dates/author only, plain writes",
    )
    small.forced(1, "build-full-N10")

    bench.log("peak memory: forced build in a child process")
    out_dir = bench.work / "child-public"
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child-build", str(big.root), "--child-out", str(out_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(child.stdout.strip().splitlines()[-1])
    bench.row(
        "peak memory (full build)",
        report["peak_kib"] / 1024,
        "MB",
        report["opened_kib"] / 1024,
        200,
        "≤ 200 MB",
        f"child VmHWM, N={n}; floor = the child after imports and opening the store",
        absolute=True,
    )

    bench.log("no-op rebuilds")
    noop_n, written_n = big.noop("build-noop")
    noop_n10, written_n10 = small.noop("build-noop-N10")
    bench.row(
        "no-op rebuild",
        noop_n * 1000,
        "ms",
        noop_n10 * 1000,
        1.3,
        "≤ 1.3× (N vs N/10)",
        f"median of {STEADY_RUNS}; floor = the same at N/10={n10}",
    )
    bench.row(
        "no-op rebuild files written",
        max(written_n + written_n10),
        "files",
        None,
        0,
        "= 0",
        f"per run at N: {written_n}, at N/10: {written_n10}",
        exact=True,
    )

    bench.log("incremental builds")
    inc_n, exact_n, count_n = big.incremental("build-incremental")
    inc_n10, exact_n10, count_n10 = small.incremental("build-incremental-N10")
    bench.row(
        "incremental build",
        inc_n * 1000,
        "ms",
        inc_n10 * 1000,
        1.3,
        "≤ 1.3× (N vs N/10)",
        f"one new article, median of {STEADY_RUNS}; floor = the same at N/10={n10}",
    )
    counts = count_n + count_n10
    all_exact = all(exact_n + exact_n10)
    bench.rows.append(
        Row(
            "incremental build files written",
            8 if all_exact else max(counts, key=lambda c: abs(c - 8)),
            "files",
            None,
            None,
            "= 8 (its section's 3 feeds and page + the site's)",
            all_exact,
            f"per run at N: {count_n}, at N/10: {count_n10}" + ("" if all_exact else " (not exactly those files)"),
        )
    )

    bench.log("naive rebuilds (load every article, render and write everything)")
    naive_noop = big.naive(size.naive_runs, add=False)
    naive_inc = big.naive(size.naive_runs, add=True)
    bench.row(
        "naive full build",
        full,
        "s",
        naive_noop,
        1.0,
        "≤ 1.0× naive",
        f"value = pressfeed forced build, floor = naive build at N={n} (median of {size.naive_runs})",
    )
    bench.row(
        "naive no-op",
        noop_n,
        "s",
        naive_noop,
        0.1,
        "≤ 0.1× naive",
        "value = pressfeed no-op, floor = naive rebuild of the unchanged store",
    )
    bench.row(
        "naive incremental",
        inc_n,
        "s",
        naive_inc,
        0.1,
        "≤ 0.1× naive",
        "value = pressfeed incremental, floor = naive rebuild after adding one article",
    )
    big.pf.close()
    small.pf.close()


# -- CMS import -----------------------------------------------------------------------


def import_stage(bench: Bench) -> None:
    count = bench.size.records
    root = make_site(bench.work / "import")
    path = root / "feeds" / "articles" / "export.jsonl"
    bench.log(f"CMS import: writing {count} JSON Lines records")
    write_records(path, count, bench.corpus)

    def floor() -> int:
        n = 0
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                nh3.clean(record["body_html"])
                n += 1
        return n

    bench.log("CMS import: floor (json.loads + nh3.clean)")
    floor_time, _ = wall(floor)
    pf = open_site(root)
    bench.log("CMS import: pressfeed import_files")
    elapsed, result = wall(lambda: bench.call("import", lambda: pf.import_files([str(path)])))
    pf.close()
    if len(result.created) != count:
        raise RuntimeError(f"import created {len(result.created)} articles, expected {count}")
    size_mb = path.stat().st_size / 1e6
    bench.row(
        "CMS import",
        elapsed,
        "s",
        floor_time,
        2.0,
        "≤ 2× floor",
        f"M={count} records ({size_mb:.0f} MB), {count / elapsed:.0f} records/s; floor = json.loads + nh3.clean(body)",
    )


# -- ingest -----------------------------------------------------------------------------


def feed_bodies(bench: Bench) -> list[bytes]:
    return [agency_feed(i, bench.size.items, bench.corpus) for i in range(bench.size.feeds)]


def check_ingest(result: Any, expected_new: int) -> None:
    new = sum(len(r.new) for r in result.reports)
    if not result.ok or new != expected_new:
        problems = "; ".join(result.failure_lines())
        raise RuntimeError(f"ingest: {new} new (expected {expected_new}), ok={result.ok} {problems}")


def ingest_cpu_stage(bench: Bench, bodies: list[bytes]) -> None:
    size = bench.size
    root = bench.work / "ingest-files"
    for i, body in enumerate(bodies):
        target = root / "agencies" / f"dept_{i:03d}.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    # in-process parsing: CPU is this process's, like the floor's (worker processes would hide theirs)
    make_site(root, source_rows(size.feeds, lambda i: f"agencies/dept_{i:03d}.xml"), workers=0)

    def floor() -> None:
        for body in bodies:
            feedparser.parse(body)

    bench.log("ingest CPU: floor (feedparser.parse)")
    floor_cpu, _, _ = cpu_and_wall(floor)
    pf = open_site(root)
    bench.log("ingest CPU: pressfeed ingest from files")
    cpu, _, result = cpu_and_wall(lambda: bench.call("ingest-files", pf.ingest))
    pf.close()
    check_ingest(result, size.feeds * size.items)
    kb = sum(len(b) for b in bodies) / 1024
    bench.row(
        "ingest CPU",
        cpu,
        "s",
        floor_cpu,
        1.3,
        "≤ 1.3× floor",
        f"F={size.feeds} feeds × {size.items} items ({kb:.0f} KiB) from files; "
        "floor = feedparser.parse(bytes), default settings; parsing in this process (fetch.workers: 0)",
    )


class FeedServer:
    """Feeds over HTTP on loopback hosts, each answer delayed by `latency`; ETag / 304 aware."""

    def __init__(self, feeds: dict[str, bytes], latency: float, hosts: int, single: bool) -> None:
        self.feeds, self.latency, self.hosts, self.single = feeds, latency, hosts, single
        self.etags = {path: f'"{hashlib.sha256(body).hexdigest()[:20]}"' for path, body in feeds.items()}
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.servers: list[asyncio.Server] = []
        self.addresses: list[tuple[str, int]] = []
        self.mode = ""
        self.statuses: Counter[int] = Counter()
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self._run, name="feed-server", daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()

    def url(self, index: int, path: str) -> str:
        host, port = self.addresses[index % len(self.addresses)]
        return f"http://{host}:{port}{path}"

    def cpu(self) -> float:
        """CPU seconds the server thread used so far (taken out of the client's process time)."""

        async def now() -> float:
            return time.thread_time()

        return asyncio.run_coroutine_threadsafe(now(), self.loop).result()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._bind())
        except BaseException as exc:
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        for writer in list(self.writers):
            writer.close()
        for server in self.servers:
            server.close()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()

    async def _bind(self) -> None:
        problem: OSError | None = None
        for _ in range(0 if self.single else 5):
            servers: list[asyncio.Server] = []
            try:
                first = await asyncio.start_server(self._serve, "127.0.0.2", 0)
                servers.append(first)
                port = first.sockets[0].getsockname()[1]
                for k in range(1, self.hosts):
                    servers.append(await asyncio.start_server(self._serve, f"127.0.0.{2 + k}", port))
            except OSError as exc:
                problem = exc
                for server in servers:
                    server.close()
                continue
            self.servers = servers
            self.addresses = [(f"127.0.0.{2 + k}", port) for k in range(self.hosts)]
            self.mode = f"{self.hosts} loopback hosts 127.0.0.2-127.0.0.{1 + self.hosts}, port {port}"
            return
        for _ in range(self.hosts):
            server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self.servers.append(server)
            self.addresses.append(("127.0.0.1", server.sockets[0].getsockname()[1]))
        why = f"binding 127.0.0.2+ failed: {problem}" if problem else "--single-loopback"
        self.mode = f"FALLBACK: 127.0.0.1 with {self.hosts} ports, one per host ({why})"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1] if " " in lines[0] else "/"
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                await asyncio.sleep(self.latency)
                body = self.feeds.get(target)
                if body is None:
                    status, extra, payload = 404, "Content-Length: 9\r\n", b"not found"
                elif headers.get("if-none-match") == self.etags[target]:
                    status, extra, payload = 304, f"ETag: {self.etags[target]}\r\n", b""
                else:
                    status, payload = 200, body
                    extra = (
                        f"ETag: {self.etags[target]}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                        f"Content-Length: {len(body)}\r\n"
                    )
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                writer.write(f"HTTP/1.1 {status} {reason}\r\n{extra}\r\n".encode("latin-1") + payload)
                await writer.drain()
                self.statuses[status] += 1
                if headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            return
        finally:
            self.writers.discard(writer)
            writer.close()


def ingest_http_stage(bench: Bench, bodies: list[bytes], single: bool) -> None:
    size = bench.size
    paths = {f"/rss/dept_{i:03d}.xml": body for i, body in enumerate(bodies)}
    with FeedServer(paths, size.latency, HOSTS, single) as server:
        bench.log(f"ingest wall clock: server on {server.mode}")
        print(f"HTTP server: {server.mode}")
        root = make_site(
            bench.work / "ingest-http", source_rows(size.feeds, lambda i: server.url(i, f"/rss/dept_{i:03d}.xml"))
        )
        pf = open_site(root)

        def measured(label: str) -> tuple[float, float, Any]:
            served = server.cpu()
            cpu, elapsed, result = cpu_and_wall(lambda: bench.call(label, pf.ingest))
            return cpu - (server.cpu() - served), elapsed, result

        bench.log("ingest wall clock: first run, empty store")
        cpu1, wall1, first = measured("ingest-http")
        check_ingest(first, size.feeds * size.items)
        bench.log("re-ingest: second run, server answers 304")
        cpu2, wall2, second = measured("reingest-http")
        pf.close()
        not_modified = sum(r.outcome == "not-modified" for r in second.reports)
        statuses = dict(server.statuses)
    ideal = size.latency * math.ceil(size.feeds / CONCURRENCY)
    where = "loopback hosts" if not server.mode.startswith("FALLBACK") else "ports on 127.0.0.1 (fallback)"
    bench.row(
        "ingest wall clock",
        wall1,
        "s",
        ideal,
        1.5,
        "≤ 1.5× latency × ceil(F/C)",
        f"F={size.feeds}, C={CONCURRENCY}, {HOSTS} {where}, {size.latency * 1000:.0f} ms latency; "
        f"floor = {size.latency * 1000:.0f} ms × {math.ceil(size.feeds / CONCURRENCY)}; CPU {cpu1:.2f} s",
    )
    bench.row(
        "re-ingest CPU",
        cpu2,
        "s",
        cpu1,
        0.2,
        "≤ 0.2× first run",
        f"{not_modified}/{size.feeds} not modified; server answers {statuses}; floor = first run's CPU",
    )
    bench.row(
        "re-ingest wall clock",
        wall2,
        "s",
        wall1,
        1.0,
        "≤ 1.0× first run",
        "floor = first run's wall clock",
    )


# -- report -------------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def source_state() -> str:
    """The commit and a digest of the pressfeed sources measured, so a table can be tied to the code."""
    package = Path(pressfeed.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".sql") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    text = f"sources {digest.hexdigest()[:12]}"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        root = package.parents[1]
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", str(package)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        text += f", git {commit}" + (" + uncommitted changes" if dirty else "")
    return text


def header(size_name: str) -> list[str]:
    size = SIZES[size_name]
    return [
        "pressfeed benchmark",
        f"  python     {platform.python_implementation()} {platform.python_version()}",
        f"  pressfeed  {pressfeed.__version__} ({source_state()})",
        f"  cpu        {cpu_model()}, {os.cpu_count()} cores",
        f"  date       {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"  size       {size_name}: store N={size.store} (and N/10={size.small_store}), "
        f"import M={size.records}, ingest F={size.feeds} feeds × {size.items} items, "
        f"latency {size.latency * 1000:.0f} ms, C={CONCURRENCY}",
    ]


def number(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1):
        return f"{value:.0f}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(rows: Sequence[Row]) -> list[str]:
    head = ("figure", "value", "unit", "floor", "ratio", "target", "met")
    cells = [
        (
            r.figure,
            number(r.value),
            r.unit,
            number(r.floor),
            f"{number(r.ratio)}×" if r.ratio is not None else "-",
            r.target,
            "yes" if r.met else "MISSED",
        )
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in (head, *cells)) for i in range(len(head))]
    right = {1, 3, 4}

    def line(cols: Sequence[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cols, widths, strict=True)))
        return "  ".join(padded).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(c) for c in cells]
    out.append("")
    out += [f"  {r.figure}: {r.note}" for r in rows if r.note]
    return out


def run(size_name: str, workdir: Path | None, json_path: Path | None, profile: Path | None, single: bool) -> int:
    for text in header(size_name):
        print(text)
    if profile is not None:
        print(
            f"  profiling  on: the first pressfeed call of each figure runs under cProfile ({profile}); "
            "its timings are inflated"
        )
    print(flush=True)
    work = workdir or Path(tempfile.mkdtemp(prefix="pressfeed-bench-"))
    if workdir is not None:
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
    bench = Bench(size_name, work, profile)
    try:
        bench.stage(
            "build",
            [
                ("full build", "s"),
                ("peak memory (full build)", "MB"),
                ("no-op rebuild", "ms"),
                ("no-op rebuild files written", "files"),
                ("incremental build", "ms"),
                ("incremental build files written", "files"),
                ("naive full build", "s"),
                ("naive no-op", "s"),
                ("naive incremental", "s"),
            ],
            lambda: build_stage(bench),
        )
        bench.stage("import", [("CMS import", "s")], lambda: import_stage(bench))
        bodies = feed_bodies(bench)
        bench.stage("ingest", [("ingest CPU", "s")], lambda: ingest_cpu_stage(bench, bodies))
        bench.stage(
            "ingest-http",
            [("ingest wall clock", "s"), ("re-ingest CPU", "s"), ("re-ingest wall clock", "s")],
            lambda: ingest_http_stage(bench, bodies, single),
        )
    finally:
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    bench.log("done")
    order = [
        "full build",
        "peak memory (full build)",
        "no-op rebuild",
        "no-op rebuild files written",
        "incremental build",
        "incremental build files written",
        "CMS import",
        "ingest CPU",
        "ingest wall clock",
        "re-ingest CPU",
        "re-ingest wall clock",
        "naive full build",
        "naive no-op",
        "naive incremental",
    ]
    rows = sorted(bench.rows, key=lambda r: order.index(r.figure) if r.figure in order else len(order))
    print()
    for text in table(rows):
        print(text)
    missed = [r.figure for r in rows if not r.met]
    print()
    print(f"MISSED ({len(missed)}): {', '.join(missed)}" if missed else "all targets met")
    if bench.errors:
        print("ERRORS: " + "; ".join(bench.errors))
    if workdir is not None:
        print(f"work dir kept: {work}")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 1 if bench.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--json", type=Path, help="write the rows as a JSON list to FILE")
    parser.add_argument("--workdir", type=Path, help="work here (emptied first) and keep it; default: a temp dir")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile each figure's first pressfeed call")
    parser.add_argument(
        "--single-loopback", action="store_true", help="serve feeds on 127.0.0.1 ports instead of 127.0.0.2-51"
    )
    parser.add_argument("--child-build", type=Path, metavar="SITE", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build is not None:
        child_build(args.child_build, args.child_out or args.child_build / "public")
        return 0
    return run(args.size, args.workdir, args.json, args.profile, args.single_loopback)


if __name__ == "__main__":
    sys.exit(main())
