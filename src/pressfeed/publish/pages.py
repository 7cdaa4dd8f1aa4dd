"""The HTML pages: the site's `index.html` and one `<section>/index.html` per section.

A person who clicks a feed link in a browser gets raw XML (Chromium dropped
XSLT), so every feed has a page: its newest items, and the exact feed URLs to
paste into a reader, with autodiscovery links for browser extensions and
readers given the page's address. A page shows the same items as its feed and
is rebuilt with it, so it follows the feeds' rules: no "now", byte-identical
when nothing changed.

Plain string templates with `html.escape`: two small pages do not justify a
template engine.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from html import escape

from ..model import Article
from .common import FeedSpec, byline_parts, local, summary_of

#: (label, media type, how a reader calls it) of each format, in the order pages list them
_FORMATS = (
    ("RSS", "application/rss+xml", "RSS 2.0"),
    ("Atom", "application/atom+xml", "Atom 1.0"),
    ("JSON", "application/feed+json", "JSON Feed 1.1"),
)

# Korean on a phone: keep-all breaks lines between words (eojeol), never inside
# one; long URLs may still break anywhere. Fonts: the platforms' Korean faces
# first (Apple SD Gothic Neo, Noto Sans KR/CJK KR, Malgun Gothic).
_CSS = """\
:root{color-scheme:light dark;--fg:#1d1d22;--muted:#5d606b;--line:#e4e5ea;--bg:#fff;--box:#f4f5f8;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e9e9ee;--muted:#a5a8b3;--line:#34363d;--bg:#131417;\
--box:#1e2026;--accent:#8ab4f8}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:44rem;padding:1.25rem 1.125rem 3rem;color:var(--fg);background:var(--bg);\
font:1.0625rem/1.75 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Noto Sans KR","Noto Sans CJK KR",\
"Malgun Gothic","맑은 고딕",system-ui,sans-serif;word-break:keep-all;overflow-wrap:anywhere;line-break:strict}
a{color:var(--accent);text-underline-offset:.2em}
h1,h2,h3{line-height:1.4;letter-spacing:-.01em;margin:0}
h1{font-size:1.625rem;margin:.25rem 0 .5rem}
h2{font-size:1.1875rem;margin:2rem 0 .75rem}
.site{margin:0;font-size:.9375rem;font-weight:600}.site a{color:var(--muted);text-decoration:none}
.lede{margin:0;color:var(--muted)}
nav ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:1.25rem 0 0;padding:0}
nav a{display:inline-block;padding:.3rem .8rem;border:1px solid var(--line);border-radius:999px;\
text-decoration:none;font-size:.9375rem;color:var(--fg)}
nav a[aria-current=page]{background:var(--fg);border-color:var(--fg);color:var(--bg)}
.subscribe{margin-top:1.5rem;padding:1rem 1.125rem;background:var(--box);border-radius:.75rem}
.subscribe h2{margin-top:0}.subscribe p{margin:.25rem 0 .75rem}
.feeds{margin:0}.feeds div{padding:.5rem 0;border-top:1px solid var(--line)}
.feeds dt{font-weight:600}.feeds dd{margin:0}
.feeds code{display:block;user-select:all;-webkit-user-select:all;font:.875rem/1.5 ui-monospace,SFMono-Regular,\
Menlo,Consolas,monospace;overflow-wrap:anywhere}
.hint{font-size:.875rem;color:var(--muted)}
.items{list-style:none;margin:0;padding:0}
.item{display:flex;gap:.875rem;padding:1rem 0;border-bottom:1px solid var(--line)}
.item div{flex:1;min-width:0}
.item h3{font-size:1.0625rem;font-weight:600}.item h3 a{color:var(--fg);text-decoration:none}
.meta{margin:.25rem 0 0;font-size:.875rem;color:var(--muted)}.credit{white-space:nowrap}
.summary{margin:.375rem 0 0;font-size:.9375rem;display:-webkit-box;-webkit-box-orient:vertical;\
-webkit-line-clamp:2;overflow:hidden}
.item img{flex:none;width:5.5rem;height:4.125rem;object-fit:cover;border-radius:.375rem;background:var(--box);\
overflow:hidden;font-size:.75rem;color:var(--muted)}
.sections{list-style:none;margin:0;padding:0}.sections li{padding:.625rem 0;border-bottom:1px solid var(--line)}
.sections p{margin:0;font-size:.875rem;color:var(--muted)}
footer{margin-top:2rem;font-size:.875rem;color:var(--muted)}
"""


def page_dir(spec: FeedSpec) -> str:
    """The directory a page is served as: "" for the site, "<slug>/" for a section."""
    directory = posixpath.dirname(spec.page_path)
    return f"{directory}/" if directory else ""


def _href(here: FeedSpec, target: str) -> str:
    """A link from `here` to another output path, relative so it works wherever the output is served."""
    is_dir = target == "" or target.endswith("/")
    relative = _relpath(target, posixpath.dirname(here.page_path))
    if is_dir:
        return "./" if relative == "." else f"{relative}/"
    return relative


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath(target or ".", start or ".") without its two abspath() calls (every page
    links every other page: they were a third of the pages' cost). Output paths are relative and
    plain; anything else (".", "..", a leading "/") goes to posixpath."""
    to = [part for part in target.split("/") if part]
    base = [part for part in start.split("/") if part]
    if target.startswith("/") or start.startswith("/") or {".", ".."} & {*to, *base}:
        return posixpath.relpath(target or ".", start or ".")
    common = 0
    for a, b in zip(to, base, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


def _autodiscovery(specs: Sequence[FeedSpec]) -> str:
    return "\n".join(
        f'<link rel="alternate" type="{kind}" title="{escape(spec.title)} ({label})" href="{escape(url)}">'
        for spec in specs
        for (label, kind, _), (_, url) in zip(_FORMATS, spec.feed_urls(), strict=True)
    )


def _nav(here: FeedSpec, specs: Sequence[FeedSpec]) -> str:
    links = []
    for spec in specs:
        name = "전체" if not spec.key else spec.section_titles.get(spec.key, spec.key)
        current = ' aria-current="page"' if spec.key == here.key else ""
        links.append(f'<li><a href="{escape(_href(here, page_dir(spec)))}"{current}>{escape(name)}</a></li>')
    return f'<nav aria-label="섹션"><ul>\n{chr(10).join(links)}\n</ul></nav>'


def _subscribe(here: FeedSpec) -> str:
    rows = "\n".join(
        f'<div><dt><a href="{escape(_href(here, path))}" type="{kind}">{label}</a> '
        f'<span class="hint">{name}</span></dt><dd><code>{_breakable(url)}</code></dd></div>'
        for (label, kind, name), (path, url) in zip(_FORMATS, here.feed_urls(), strict=True)
    )
    opml = ""
    if not here.key:
        opml = f'<a href="{_href(here, "feeds.opml")}">OPML 파일</a>'
        opml = f'\n<p class="hint">모든 섹션을 한 번에 구독하려면 {opml}을 리더에서 가져오세요.</p>'
    return f"""<section class="subscribe" aria-labelledby="subscribe">
<h2 id="subscribe">구독하기</h2>
<p>피드 리더(Feedly, Inoreader, NetNewsWire 등)에 아래 주소 중 하나를 붙여 넣으세요.
새 기사가 올라오면 리더가 알려 줍니다.</p>
<dl class="feeds">
{rows}
</dl>{opml}
</section>"""


def _breakable(url: str) -> str:
    """A URL that wraps after its slashes on a narrow screen (<wbr> is not copied with the text)."""
    scheme, sep, rest = url.partition("://")
    return escape(scheme + sep) + "/<wbr>".join(escape(part) for part in rest.split("/"))


def _credit(article: Article) -> str:
    """Whose news it is: the agency a release comes from (a joint release's agencies, each), else the byline."""
    source = article.source
    if source is not None and source.name:
        link = source.url or source.home
        name = escape(" · ".join((source.name, *source.joint)))
        return f'출처 <a href="{escape(link)}">{name}</a>' if link else f"출처 {name}"
    return escape(byline_parts(article.byline)[0])


def _item(here: FeedSpec, article: Article) -> str:
    when = local(article.published, here.tz)
    # (strftime's "%Y.%m.%d %H:%M" written out: a third of the cost of an item's line; dates are after 1970)
    shown = f"{when.year}.{when.month:02}.{when.day:02}"
    if when.hour or when.minute or when.second:
        # a board that gives the day alone (재정경제부: "2026-08-07 00:00:00.0") is dated at midnight, which
        # would read as a release at 00:00: midnight shows the day only (the datetime keeps the time)
        shown += f" {when.hour:02}:{when.minute:02}"
    meta = [f'<time datetime="{when.isoformat()}">{shown}</time>']
    if not here.key:  # the site page mixes sections: say which
        meta.append(escape(here.section_titles.get(article.section, article.section)))
    credit = _credit(article)
    if credit:
        meta.append(f'<span class="credit">{credit}</span>')
    image = ""
    lead = article.lead_image
    if lead is not None:
        size = f' width="{lead.width}" height="{lead.height}"' if lead.width and lead.height else ""
        image = f'\n<img src="{escape(lead.url)}" alt="{escape(lead.caption)}"{size} loading="lazy" decoding="async">'
    summary = summary_of(article)
    summary = f'<p class="summary">{escape(summary)}</p>\n' if summary else ""
    return (
        f'<li class="item"><div>\n<h3><a href="{escape(article.link)}">{escape(article.title)}</a></h3>\n'
        f'<p class="meta">{" · ".join(meta)}</p>\n{summary}</div>{image}</li>'
    )


def _items(here: FeedSpec, articles: Sequence[Article]) -> str:
    items = "\n".join(_item(here, article) for article in articles)
    body = f'<ol class="items">\n{items}\n</ol>' if articles else "<p>아직 기사가 없습니다.</p>"
    return f"""<section aria-labelledby="latest">
<h2 id="latest">최신 기사</h2>
{body}
</section>"""


def _sections(here: FeedSpec, specs: Sequence[FeedSpec]) -> str:
    """The site page's list of section pages and their RSS feeds."""
    rows = "\n".join(
        f'<li><a href="{escape(_href(here, page_dir(spec)))}">{escape(spec.section_titles.get(spec.key, spec.key))}</a>'
        f"\n<p><code>{_breakable(spec.rss_url)}</code></p></li>"
        for spec in specs
        if spec.key
    )
    return f"""<section aria-labelledby="sections">
<h2 id="sections">섹션별 피드</h2>
<ul class="sections">
{rows}
</ul>
</section>"""


def render_page(spec: FeedSpec, articles: Sequence[Article], specs: Sequence[FeedSpec]) -> bytes:
    """The page of one feed; `specs` are every feed of the site (the site's first), for navigation."""
    site = specs[0]
    is_site = not spec.key
    heading = "전체 기사" if is_site else spec.section_titles.get(spec.key, spec.key)
    # the site page announces every feed; a section page its own, then the site's
    discovery = _autodiscovery(specs if is_site else (spec, site))
    updated = local(spec.updated, spec.tz)
    icon = f'<link rel="icon" href="{escape(spec.icon)}">\n' if spec.icon else ""
    page = f"""<!DOCTYPE html>
<html lang="{escape(spec.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(spec.title)} — 피드 구독</title>
<meta name="description" content="{escape(spec.description)}">
<link rel="canonical" href="{escape(spec.page_url)}">
{icon}{discovery}
<style>
{_CSS}</style>
</head>
<body>
<header>
<p class="site"><a href="{escape(site.html_url)}">{escape(spec.site_title)}</a></p>
<h1>{escape(heading)}</h1>
<p class="lede">{escape(spec.description)}</p>
{_nav(spec, specs)}
</header>
<main>
{_subscribe(spec)}
{_items(spec, articles)}
{_sections(spec, specs) if is_site else ""}
</main>
<footer>
<p>피드 갱신 <time datetime="{updated.isoformat()}">{updated:%Y.%m.%d %H:%M}</time> · 최신 기사 {len(articles)}건</p>
</footer>
</body>
</html>
"""
    return page.encode("utf-8")
