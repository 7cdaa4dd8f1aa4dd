"""`pressfeed init`: a minimal site that builds valid feeds right away."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

CONFIG = """\
# pressfeed site configuration. Paths are relative to the site directory.
site:
  title: 우리뉴스
  url: https://news.example.kr/
  feed_url: https://news.example.kr/feeds/   # where output.dir is served
  language: ko
  timezone: Asia/Seoul                       # naive dates in inputs are in this zone
  tag_authority: news.example.kr,2025        # RFC 4151 ids; never change it once published

store:
  path: .pressfeed/pressfeed.db

output:
  dir: public
  items_per_feed: 50

sections:
  politics:   {title: 정치}
  society:    {title: 사회}
  economy:    {title: 경제}
  it-science: {title: IT/과학, aliases: ["IT·과학", science]}

# CMS exports imported on every `pressfeed run`
imports:
  - feeds/articles/*.yaml

# Agency press releases ingested on every `pressfeed run`, e.g. a ministry's
# board feed and the public-data press-release API (its key in the environment):
# sources:
#   - id: msit
#     name: 과학기술정보통신부
#     home: https://www.msit.go.kr/
#     url: https://www.msit.go.kr/user/rss/rss.do?bbsSeqNo=94
#     section: it-science
#   - id: briefing
#     kind: briefing-api
#     name: 정책브리핑
#     url: https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList
#     service_key_env: DATA_GO_KR_SERVICE_KEY
#     section: society
sources: []
"""

ARTICLE = """\
id: "00000001"
title: 우리뉴스 피드를 시작합니다
section: 사회
published: 2025-11-08 09:00:00
byline: 우리뉴스
link: /news/1
tags: [공지]
body_html: |
  <p>(우리뉴스) 섹션별 RSS·Atom·JSON 피드를 제공합니다.</p>
"""

GITIGNORE = "/public/\n/.pressfeed/\n"


def init_site(directory: Path, *, force: bool = False) -> list[Path]:
    """Write the starter files; refuses to overwrite a config unless `force`. The other files are written only
    where there is none (`force` is about the config: an edited article or .gitignore stays)."""
    config = directory / "feeds" / "pressfeed.yaml"
    if config.exists() and not force:
        raise UsageError(f"{config} already exists (use --force to overwrite)")
    files = {config: CONFIG}
    for path, text in (
        (directory / "feeds" / "articles" / "example.yaml", ARTICLE),
        (directory / ".gitignore", GITIGNORE),
    ):
        if not path.exists():
            files[path] = text
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
