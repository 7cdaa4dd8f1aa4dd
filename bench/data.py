"""The benchmark's world: sections, agencies, a Korean press corpus, and the data made from it.

Everything is drawn from seeded ``random.Random`` generators, so every run
measures the same bytes: stores of normalized articles, CMS export records
(relative links, naive KST dates) and korea.kr-style RSS feeds.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.model import Article, Attachment, Attribution, Image, Status, encode
from pressfeed.store.base import ArticleWrite

CONCURRENCY = 20  # fetch.concurrency of the ingest sites (and reader's workers)
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

    def __init__(self, rng: random.Random | None = None) -> None:
        rng = rng or random.Random(42)
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


_TAG = re.compile(r"<[^>]*>")


def plain(html_text: str, length: int = 200) -> str:
    """A summary as normalization makes one: the text without its tags (a photo's or a link's too: the
    validator flags "summary should not contain HTML"), cut at a word."""
    text = " ".join(_TAG.sub(" ", html_text).split())
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
        status=store_status(index),
        source=Attribution(
            name=agency,
            home=home,
            feed=f"https://www.korea.kr/rss/dept_{agency_id}.xml",
            url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={news_id}",
            published=published - timedelta(hours=1),
            credit=f"[뉴스출처 : {agency}]",
        ),
    )


def store_status(index: int) -> Status:
    """About 4% drafts and 1% hidden, spread evenly: what `articles list --status draft` finds."""
    if index % 25 == 7:
        return Status.DRAFT
    if index % 100 == 13:
        return Status.HIDDEN
    return Status.PUBLISHED


def fill_store(pf: Pressfeed, count: int, corpus: Corpus) -> None:
    rng = random.Random(f"42:store:{count}")
    for start in range(0, count, BATCH):
        batch = [store_article(i, count, rng, corpus) for i in range(start, min(count, start + BATCH))]
        pf.store.write([ArticleWrite.from_upstream(encode(a), "cms") for a in batch])


def new_article(site_key: str, k: int, corpus: Corpus) -> Article:
    """The k-th article added for an incremental build: newest of all, still before NOW (k < 3600)."""
    rng = random.Random(f"42:new:{site_key}:{k}")
    article = replace(store_article(0, 1, rng, corpus), status=Status.PUBLISHED)
    published = STORE_NEWEST + timedelta(seconds=1 + k)
    return replace(
        article,
        id=f"tag:{AUTHORITY}:article/new-{k}",
        section=SECTIONS[k % len(SECTIONS)][0],
        published=published,
        updated=published,
    )


def add_new_article(pf: Pressfeed, site_key: str, corpus: Corpus) -> Article:
    """Write the next incremental article into the store (counted in the store's meta table)."""
    k = int(pf.store.get_meta("bench_added") or 0)
    article = new_article(site_key, k, corpus)
    pf.store.write([ArticleWrite.from_upstream(encode(article), "cms")])
    pf.store.set_meta("bench_added", str(k + 1))
    return article


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


def config_text(
    sources: Sequence[tuple[str, str, str, str, str]] = (), workers: int | None = None, store_url: str = ""
) -> str:
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
        f"  url: {store_url}" if store_url else "  path: .pressfeed/pressfeed.db",
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


def make_site(
    root: Path, sources: Sequence[tuple[str, str, str, str, str]] = (), workers: int | None = None, store_url: str = ""
) -> Path:
    config = root / "feeds" / "pressfeed.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text(sources, workers, store_url), encoding="utf-8")
    return root


def open_site(root: Path) -> Pressfeed:
    # an explicit config path: a PRESSFEED_CONFIG in the environment must not leak in
    # auto_workers: measure what the pressfeed command does (the bench's entry points are guarded)
    return Pressfeed(load_config(root, root / "feeds" / "pressfeed.yaml"), clock=CLOCK, auto_workers=True)


def source_rows(count: int, url: Callable[[int], str]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for i in range(count):
        agency_id, agency, home = AGENCIES[i % len(AGENCIES)]
        rows.append((f"dept-{i:03d}-{agency_id}", agency, home, url(i), SECTIONS[i % len(SECTIONS)][0]))
    return rows


def write_feed_files(directory: Path, bodies: Sequence[bytes]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, body in enumerate(bodies):
        path = directory / f"dept_{i:03d}.xml"
        path.write_bytes(body)
        paths.append(path)
    return paths
