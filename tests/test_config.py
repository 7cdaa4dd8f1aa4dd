"""Loading and validating feeds/pressfeed.yaml (pressfeed.config)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pressfeed.config import load_config
from pressfeed.errors import ConfigError
from pressfeed.model import credit_for

SAMPLE_CONFIG = Path(__file__).resolve().parent / "fixtures" / "portal-2025" / "feeds" / "pressfeed.yaml"


def config_path(site: Path) -> Path:
    return site / "feeds" / "pressfeed.yaml"


def config_text(site: Path) -> str:
    return config_path(site).read_text(encoding="utf-8")


def line_no(text: str, fragment: str) -> int:
    """1-based number of the only line containing `fragment`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def load_error(site: Path, text: str) -> ConfigError:
    config_path(site).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(site)
    return info.value


def allowed_keys(message: str) -> set[str]:
    """The key names an "unknown key (allowed: a, b)" message lists."""
    prefix = "unknown key (allowed: "
    assert message.startswith(prefix) and message.endswith(")"), message
    return set(message[len(prefix) : -1].split(", "))


def edit(site: Path, old: str, new: str) -> str:
    text = config_text(site)
    assert old in text
    return text.replace(old, new, 1)


# -- the sample config --------------------------------------------------------


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    site = tmp_path / "sample"
    (site / "feeds").mkdir(parents=True)
    shutil.copy(SAMPLE_CONFIG, site / "feeds" / "pressfeed.yaml")
    return site


def test_sample_config_loads(sample_site):
    config = load_config(sample_site)
    root = sample_site.resolve()
    assert config.file == root / "feeds" / "pressfeed.yaml"
    assert config.site_dir == root
    assert config.site.title == "포탈뉴스통신"
    assert config.site.url == "https://www.example-portal.kr/"
    assert config.site.feed_url == "https://www.example-portal.kr/feeds/"
    assert config.site.tag_authority == "example-portal.kr,2025"
    assert config.site.tz.key == "Asia/Seoul"
    assert config.store_path == root / ".pressfeed" / "pressfeed.db"
    assert config.output.dir == root / "public"
    assert config.output.items_per_feed == 50
    assert config.output.summary_length == 200
    assert config.imports == ("feeds/articles/*.yaml",)
    assert [(s.id, s.section) for s in config.sources] == [
        ("msit", "it-science"),
        ("moef", "economy"),
        ("molit", "economy"),
        ("kma", "society"),
        ("korea-kr", "society"),
    ]
    msit = config.source("msit")
    # a local feed copy resolves against the site dir
    assert msit.url == str(root / "feeds" / "agencies" / "dept_msit.xml")
    assert credit_for(msit.name, msit.credit) == "[뉴스출처 : 과학기술정보통신부]"
    assert msit.max_age_days == 0
    combined = config.source("korea-kr")
    assert [(r.match.pattern, r.section) for r in combined.rules] == [
        ("외교|한-EU|대사", "politics"),
        ("인공지능|과학|정보통신", "it-science"),
    ]
    assert combined.status.value == "draft"
    assert combined.agency_from_title is True
    assert [s.slug for s in config.sections] == ["politics", "society", "economy", "it-science"]
    it = config.section("it-science")
    assert it.title == "IT/과학"
    assert it.aliases == ("IT·과학", "IT과학", "science")
    assert it.url == "https://www.example-portal.kr/news/articleList.html?sc_section_code=S1N4"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("politics", "politics"),
        ("정치", "politics"),
        ("외교", "politics"),
        ("날씨", "society"),
        ("부동산", "economy"),
        ("IT/과학", "it-science"),
        ("IT·과학", "it-science"),
        ("it과학", "it-science"),
        ("Science", "it-science"),
        (" IT / 과학 ", "it-science"),
        ("연예", None),
    ],
)
def test_sample_config_resolves_sections_and_aliases(sample_site, name, slug):
    assert load_config(sample_site).resolve_section(name) == slug


def test_fixture_config_resolves_aliases(config):
    assert config.resolve_section("IT·과학") == "it-science"
    assert config.resolve_section("science") == "it-science"
    assert config.resolve_section("사회") == "society"


# -- errors: file, line, key ---------------------------------------------------


def test_unknown_top_level_key(site):
    text = config_text(site) + "extra: 1\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "extra: 1"), "extra")
    assert str(error) == f"{config_path(site).resolve()}:{error.line}: extra: {error.message}"
    allowed = allowed_keys(error.message)
    assert {"fetch", "imports", "output", "sections", "site", "sources", "store"} <= allowed
    assert "extra" not in allowed


def test_unknown_key_inside_site(site):
    text = edit(site, "  language: ko\n", "  language: ko\n  owner: 편집국\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "owner:"), "site.owner")
    assert str(error) == f"{config_path(site).resolve()}:{error.line}: site.owner: {error.message}"
    assert allowed_keys(error.message) == {
        "description",
        "feed_url",
        "icon",
        "language",
        "logo",
        "tag_authority",
        "timezone",
        "title",
        "url",
        "websub_hub",
    }


def test_wrong_type(site):
    text = edit(site, "  dir: public\n", '  dir: public\n  items_per_feed: "many"\n')
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "items_per_feed"), "output.items_per_feed")
    assert error.message == "must be an integer, not text"
    assert str(error) == (
        f"{config_path(site).resolve()}:{error.line}: output.items_per_feed: must be an integer, not text"
    )


def test_an_impossible_unquoted_date_is_a_wrong_type_at_its_line(site):
    """YAML reads `2025-02-30 10:00:00` as a timestamp, and PyYAML raised a bare ValueError: a traceback."""
    text = edit(site, "  dir: public\n", "  dir: public\n  items_per_feed: 2025-02-30 10:00:00\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "items_per_feed"), "output.items_per_feed")
    assert error.message == "must be an integer, not text"


def test_out_of_range_number(site):
    text = edit(site, "  dir: public\n", "  dir: public\n  items_per_feed: 0\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "items_per_feed"), "output.items_per_feed")
    assert error.message == "must be between 1 and 1000"


def test_bad_section_slug(site):
    text = edit(site, "  it-science:\n", "  IT_Science:\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "IT_Science:"), "sections.IT_Science")
    assert error.message == "section keys may use only a-z, 0-9 and '-'"


def test_duplicate_alias_across_sections(site):
    text = edit(site, "    title: 경제\n", "    title: 경제\n    aliases: [부동산, science]\n")
    error = load_error(site, text)
    # the second claim (it-science's alias list) is the one reported
    assert (error.line, error.key) == (line_no(text, '"IT·과학"'), "sections.it-science.aliases")
    assert error.message == "'science' already names section 'economy'"


def test_alias_equal_to_another_sections_title(site):
    text = edit(site, "    title: 사회\n", "    title: 사회\n    aliases: [경제]\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "    title: 경제"), "sections.economy")
    assert error.message == "'경제' already names section 'society'"


def test_duplicate_yaml_key(site):
    text = edit(site, "    title: 사회\n", "    title: 사회\n    title: 사회부\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "사회부"), "sections.society.title")
    assert error.message == "duplicate key"
    assert str(error) == f"{config_path(site).resolve()}:{error.line}: sections.society.title: duplicate key"


def test_invalid_yaml_syntax_reports_line(site):
    text = edit(site, "  timezone: Asia/Seoul\n", "  timezone: Asia/Seoul\n  bad: value: more\n")
    error = load_error(site, text)
    assert error.line == line_no(text, "bad: value: more")
    assert error.key == ""
    assert error.message == "invalid YAML: mapping values are not allowed here"
    assert str(error) == f"{config_path(site).resolve()}:{error.line}: {error.message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    title: 사회\n",
            "    title: [사회\n",
            "invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence that starts at line ",
        ),
        (
            "  language: ko\n",
            "  language: 'ko\n",
            "invalid YAML: found unexpected end of stream (while scanning a quoted scalar that starts at line ",
        ),
    ],
)
def test_invalid_yaml_names_the_line_an_unclosed_bracket_or_quote_opens(site, old, new, message):
    """The parser notices an unclosed `[` or quote lines later (a quote: at the end of the file); the line to
    fix is where it opens."""
    text = edit(site, old, new)
    error = load_error(site, text)
    assert error.line is not None and error.line > line_no(text, new.strip())
    assert error.message == f"{message}{line_no(text, new.strip())})"


def test_missing_site_url(site):
    text = edit(site, "  url: https://www.example-portal.kr/\n", "")
    error = load_error(site, text)
    assert error.key == "site.url"
    assert error.message == "required"
    # reported where the site mapping starts
    assert error.line == line_no(text, "title: 포탈뉴스통신")


@pytest.mark.parametrize("url", ["ftp://www.example-portal.kr/", "www.example-portal.kr", "/news/"])
def test_site_url_must_be_absolute_http(site, url):
    text = edit(site, "  url: https://www.example-portal.kr/\n", f"  url: {url}\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"  url: {url}"), "site.url")
    assert error.message == "must be an absolute http(s) URL"


def test_urls_with_hangul_or_spaces_become_uris(site):
    """feed_url is published as every self link, JSON feed_url and WebSub topic: an IRI there did not match
    the URI readers fetched ("Self reference doesn't match document location") nor what a hub was told."""
    text = edit(site, "  url: https://www.example-portal.kr/\n", "  url: https://www.한국포털.kr/\n")
    text = text.replace("https://www.example-portal.kr/feeds/", "https://www.한국포털.kr/피드 목록/")
    config_path(site).write_text(text, encoding="utf-8")
    site_config = load_config(site).site
    assert site_config.url == "https://www.xn--3e0bu29dk1b9xb.kr/"
    assert site_config.feed_url == "https://www.xn--3e0bu29dk1b9xb.kr/%ED%94%BC%EB%93%9C%20%EB%AA%A9%EB%A1%9D/"


def test_a_korean_domain_keeps_the_tag_authority_its_ids_were_made_with(site):
    """The ids of a site at https://한국신문.kr/ were tag:한국신문.kr,2025:…; punycoding site.url must not
    change the default authority, or every article would be published again under a new id."""
    text = edit(site, "  url: https://www.example-portal.kr/\n", "  url: https://www.한국신문.kr/\n")
    config_path(site).write_text(text.replace("  tag_authority: example-portal.kr,2025\n", ""), encoding="utf-8")
    site_config = load_config(site).site
    assert site_config.tag_authority == "한국신문.kr,2025"
    assert site_config.url == "https://www.xn--3e0bp5x81f0uu.kr/"


@pytest.mark.parametrize(
    ("url", "uri"),
    [
        ("http://[::1]:8080/피드/", "http://[::1]:8080/%ED%94%BC%EB%93%9C/"),
        ("https://www.example-portal.kr/100%할인/", "https://www.example-portal.kr/100%25%ED%95%A0%EC%9D%B8/"),
        ("https://www.example-portal.kr/a%20b/", "https://www.example-portal.kr/a%20b/"),
    ],
)
def test_uris_keep_ipv6_brackets_and_escape_a_stray_percent(url, uri):
    from pressfeed.urls import as_uri

    assert as_uri(url) == uri


def test_a_url_whose_host_is_no_name_is_refused_at_its_line(site):
    original = config_text(site)
    for host in ("한국..kr", "exa mple.kr"):
        text = original.replace("  url: https://www.example-portal.kr/\n", f"  url: https://{host}/\n", 1)
        error = load_error(site, text)
        assert (error.line, error.key) == (line_no(text, f"  url: https://{host}/"), "site.url")
        assert error.message == f"{host!r} is no valid host (and port)"


@pytest.mark.parametrize(
    ("yaml", "key"),
    [
        (
            "sources:\n  - {id: msit, name: 과학기술정보통신부, url: feeds/a.xml, home: 'https://ops:SECRET@www.msit.go.kr/'}\n",
            "sources[0].home",
        ),
        (
            "agencies:\n  과학기술정보통신부: {id: msit, home: 'https://ops:SECRET@www.msit.go.kr/'}\n",
            "agencies.과학기술정보통신부.home",
        ),
        ("  websub_hub: https://ops:SECRET@hub.example-portal.kr/\n", "site.websub_hub"),
    ],
    ids=["source home", "agency home", "hub"],
)
def test_a_published_url_with_a_password_is_refused_without_showing_it(site, yaml, key):
    """A source's home is every release's <source url> fallback, the hub every feed's rel=hub link: a password
    written there went to every subscriber. (A source's url may hold one: it is only fetched.)"""
    text = config_text(site)
    if yaml.startswith("  "):
        text = text.replace(
            "  tag_authority: example-portal.kr,2025\n", "  tag_authority: example-portal.kr,2025\n" + yaml
        )
    else:
        text += yaml
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "SECRET"), key)
    assert error.message == "holds a user name or password, which every feed would publish: remove it from the URL"
    assert "SECRET" not in str(error)


def test_a_source_url_may_hold_credentials_for_fetching(site):
    text = config_text(site) + SOURCE.format(section="science").replace(
        "https://www.korea.kr/", "https://ops:SECRET@www.korea.kr/"
    )
    config_path(site).write_text(text, encoding="utf-8")
    assert load_config(site).sources[0].url == "https://ops:SECRET@www.korea.kr/rss/dept_msit.xml"


@pytest.mark.parametrize("url", ["file:///srv/feeds/msit.xml", "FILE:feeds/msit.xml"])
def test_a_file_url_source_is_refused_naming_what_is_allowed(site, url):
    """A file: URL was refused as "must be an absolute http(s) URL", while a path to the same file works."""
    text = config_text(site) + SOURCE.format(section="science").replace("https://www.korea.kr/rss/dept_msit.xml", url)
    error = load_error(site, text)
    assert error.key == "sources[0].url"
    assert error.message == "must be an http(s) URL or a local file's path (give the path, not a file: URL)"


def test_a_source_host_with_an_underscore_is_fetched_as_it_is(site):
    """A name DNS serves but the validator would refuse in a published URL: a source's URL is only fetched."""
    text = config_text(site) + SOURCE.format(section="science").replace(
        "https://www.korea.kr/", "https://news_api.korea.kr/"
    )
    config_path(site).write_text(text, encoding="utf-8")
    assert load_config(site).sources[0].url == "https://news_api.korea.kr/rss/dept_msit.xml"


def test_unknown_timezone(site):
    text = edit(site, "Asia/Seoul", "Asia/Busan")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "timezone:"), "site.timezone")
    assert error.message == "unknown time zone 'Asia/Busan' (e.g. Asia/Seoul)"


SOURCE = """\
sources:
  - id: msit
    name: 과학기술정보통신부
    url: https://www.korea.kr/rss/dept_msit.xml
    section: {section}
"""


def test_source_with_unknown_section(site):
    text = config_text(site) + SOURCE.format(section="연예")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "section: 연예"), "sources[0].section")
    assert error.message == "unknown section '연예' (known: economy, it-science, politics, society)"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (
            "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList?serviceKey=SECRET123&_type=xml",
            "briefing-api",
        ),
        ("https://www.korea.kr/rss/dept_msit.xml?ServiceKey=SECRET123", "feed"),
    ],
)
def test_a_service_key_in_a_source_url_is_refused(site, url, kind):
    """data.go.kr's sample request URL carries the key; pasted as the url, it was published in every
    item's RSS <source>, atom:source and JSON Feed source (eight times in the reviewer's site)."""
    extra = "    kind: briefing-api\n    service_key_env: DATA_GO_KR_SERVICE_KEY\n" if kind == "briefing-api" else ""
    text = (
        config_text(site)
        + SOURCE.format(section="science").replace("url: https://www.korea.kr/rss/dept_msit.xml", f"url: {url}")
        + extra
    )
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "SECRET123"), "sources[0].url")
    assert error.message.startswith("holds a serviceKey, which every feed would publish")
    assert "SECRET123" not in str(error)


def test_source_section_alias_resolves(site):
    config_path(site).write_text(config_text(site) + SOURCE.format(section="IT·과학"), encoding="utf-8")
    [source] = load_config(site).sources
    assert (source.id, source.section) == ("msit", "it-science")
    assert credit_for(source.name, source.credit) == "[뉴스출처 : 과학기술정보통신부]"


@pytest.mark.parametrize("placeholder", ["{nam}", "{0}", "{agency}", "{}"])
def test_a_credit_template_with_an_unknown_placeholder_is_refused(site, placeholder):
    """It would be published as written, in the legally required attribution line: "[뉴스출처 : {nam}]"."""
    line = f'    credit: "[뉴스출처 : {{name}}] {placeholder}"\n'
    text = config_text(site) + SOURCE.format(section="science") + line
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "credit:"), "sources[0].credit")
    assert error.message == f"unknown placeholder {placeholder} (the agency's name is {{name}})"


def test_a_credit_template_may_name_the_agency_twice(site):
    line = '    credit: "[뉴스출처 : {name}] 이 자료는 {name}의 보도자료를 전재하여 제공함"\n'
    config_path(site).write_text(config_text(site) + SOURCE.format(section="science") + line, encoding="utf-8")
    [source] = load_config(site).sources
    assert credit_for("외교부", source.credit) == "[뉴스출처 : 외교부] 이 자료는 외교부의 보도자료를 전재하여 제공함"


def test_a_config_saved_as_euc_kr_names_its_line(site):
    """'can't decode byte 0xc6 in position 322' told an operator neither the line nor what to do."""
    text = config_text(site)
    config_path(site).write_bytes(text.encode("cp949"))
    with pytest.raises(ConfigError) as info:
        load_config(site)
    first_hangul = next(n for n, line in enumerate(text.splitlines(), 1) if not line.isascii())
    assert (info.value.line, info.value.key) == (first_hangul, "")
    assert info.value.message == "not UTF-8 (was it saved as EUC-KR? save it as UTF-8)"


def test_source_bad_include_regex(site):
    text = config_text(site) + SOURCE.format(section="science") + '    include:\n      - 인공지능\n      - "(반도체"\n'
    error = load_error(site, text)
    assert error.message.startswith("invalid regular expression: missing ), unterminated subpattern")
    assert (error.line, error.key) == (line_no(text, '"(반도체"'), "sources[0].include[1]")


# -- paths ----------------------------------------------------------------------


def test_relative_store_and_output_paths_resolve_against_site_dir(site, monkeypatch, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    text = edit(site, "  dir: public\n", "  dir: build/public\n")
    config_path(site).write_text(text, encoding="utf-8")
    config = load_config(site)
    assert config.store_path == site.resolve() / ".pressfeed" / "pressfeed.db"
    assert config.output.dir == site.resolve() / "build" / "public"


def test_absolute_store_path_kept(site, tmp_path):
    db = tmp_path / "db" / "store.db"
    text = edit(site, "  path: .pressfeed/pressfeed.db\n", f"  path: {db}\n")
    config_path(site).write_text(text, encoding="utf-8")
    assert load_config(site).store_path == db


STORE_LINE = "  path: .pressfeed/pressfeed.db\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  url: sqlite:data/portal.db\n", "{site}/data/portal.db"),
        ("  url: sqlite:./data/../data/portal.db\n", "{site}/data/portal.db"),
        ("  url: sqlite:///srv/portal/store.db\n", "/srv/portal/store.db"),
        ("  url: SQLite://localhost/srv/portal/store.db\n", "/srv/portal/store.db"),
    ],
)
def test_store_url_names_a_sqlite_file(site, line, expected):
    config_path(site).write_text(edit(site, STORE_LINE, line), encoding="utf-8")
    config = load_config(site)
    path = Path(expected.format(site=site.resolve()))
    assert config.store_path == path
    assert config.store_url == f"sqlite://{path}"


def test_store_url_names_a_postgresql_database(site):
    url = "postgresql://pressfeed@db.example-portal.kr:5432/portal?sslmode=require"
    config_path(site).write_text(edit(site, STORE_LINE, f"  url: {url}\n"), encoding="utf-8")
    config = load_config(site)
    assert (config.store_url, config.store_path) == (url, None)


def test_the_default_store_is_a_sqlite_file_in_the_site(site):
    config_path(site).write_text(edit(site, "store:\n" + STORE_LINE, ""), encoding="utf-8")
    config = load_config(site)
    assert config.store_url == f"sqlite://{site.resolve() / '.pressfeed' / 'pressfeed.db'}"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  url: mysql://db/portal\n", "'mysql://db/portal' is not a store URL (use sqlite:///absolute/path.db"),
        ("  url: pressfeed.db\n", "'pressfeed.db' is not a store URL"),
        ("  url: sqlite://db.example.kr/x.db\n", "a SQLite URL names a file"),
        ("  url: sqlite:../outside.db\n", "leads outside the site directory"),
        ("  url: postgresql:///portal\n", "name the server, e.g. postgresql://user@host/dbname"),
        ("  url: sqlite:x.db\n  path: y.db\n", "give store.url or store.path, not both"),
    ],
)
def test_bad_store_urls_are_located_config_errors(site, line, message):
    text = edit(site, STORE_LINE, line)
    error = load_error(site, text)
    assert (error.key, error.line) == ("store.url", line_no(text, line.splitlines()[0].strip()))
    assert message in error.message


def test_the_environment_overrides_the_store_of_the_config(site, monkeypatch, tmp_path):
    monkeypatch.setenv("PRESSFEED_STORE_URL", "postgresql://pressfeed@/portal?host=/run/postgresql")
    assert load_config(site).store_url == "postgresql://pressfeed@/portal?host=/run/postgresql"
    monkeypatch.setenv("PRESSFEED_STORE_URL", "sqlite:other.db")  # relative: the site's, like the config's
    assert load_config(site).store_path == site.resolve() / "other.db"
    monkeypatch.setenv("PRESSFEED_STORE_URL", "redis://cache")
    with pytest.raises(ConfigError, match=r"^PRESSFEED_STORE_URL: 'redis://cache' is not a store URL"):
        load_config(site)


def test_a_relative_store_url_from_the_environment_may_not_leave_the_site(site, monkeypatch):
    """README ("URLs", for store.url or PRESSFEED_STORE_URL): `sqlite:data/pressfeed.db` is relative to the site
    directory and must stay inside it. store.url is held to that; the environment's was not: `sqlite:../x.db`
    put the store (and its lock) beside the site."""
    monkeypatch.setenv("PRESSFEED_STORE_URL", "sqlite:../outside.db")
    with pytest.raises(ConfigError, match=r"^PRESSFEED_STORE_URL: .*leads outside the site directory"):
        load_config(site)


def test_relative_site_dir_is_resolved(site, monkeypatch):
    monkeypatch.chdir(site.parent)
    config = load_config(site.name)
    assert config.site_dir == site.resolve()
    assert config.store_path == site.resolve() / ".pressfeed" / "pressfeed.db"


def other_config(site: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edit(site, "title: 포탈뉴스통신", "title: 다른 사이트"), encoding="utf-8")
    return path


def test_env_var_overrides_default_location(site, tmp_path, monkeypatch):
    other = other_config(site, tmp_path / "conf" / "other.yaml")
    monkeypatch.setenv("PRESSFEED_CONFIG", str(other))
    config = load_config(site)
    assert config.file == other
    assert config.site.title == "다른 사이트"
    # paths in it still resolve against the site dir, not the config's folder
    assert config.store_path == site.resolve() / ".pressfeed" / "pressfeed.db"


def test_relative_env_var_resolves_against_cwd(site, tmp_path, monkeypatch):
    other_config(site, tmp_path / "conf" / "other.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRESSFEED_CONFIG", "conf/other.yaml")
    config = load_config(site)
    assert config.file == tmp_path / "conf" / "other.yaml"
    assert config.site.title == "다른 사이트"


def test_explicit_config_path_overrides_env_var(site, tmp_path, monkeypatch):
    other = other_config(site, tmp_path / "conf" / "other.yaml")
    monkeypatch.setenv("PRESSFEED_CONFIG", str(tmp_path / "missing.yaml"))
    config = load_config(site, other)
    assert config.file == other
    assert config.site.title == "다른 사이트"


def test_default_location_when_env_var_unset(site):
    assert load_config(site).site.title == "포탈뉴스통신"


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    expected = tmp_path.resolve() / "feeds" / "pressfeed.yaml"
    assert info.value.line is None
    assert str(info.value) == (
        f"{expected}: config file not found "
        "(name the site directory with --site DIR, or create a site there with `pressfeed init DIR`)"
    )


def test_missing_config_file_given_by_name(tmp_path, monkeypatch):
    """A config named by PRESSFEED_CONFIG (or --config) is missing itself: --site would not help."""
    monkeypatch.setenv("PRESSFEED_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value) == f"{tmp_path / 'missing.yaml'}: config file not found (check --config or PRESSFEED_CONFIG)"


def test_unprintable_character_in_yaml_is_a_config_error(site: Path) -> None:
    """A backspace pasted from a word processor must be a located error, not a traceback."""
    path = site / "feeds" / "pressfeed.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("포탈뉴스통신", "포탈\x08뉴스통신", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    line = line_no(path.read_text(encoding="utf-8"), "\x08")
    assert str(caught.value) == (
        f"{path}:{line}: invalid YAML: character U+0008 is not allowed in YAML text"
        " (special characters are not allowed); delete it"
    )


def test_sources_file_setting_is_where_sources_import_writes(site: Path) -> None:
    from pressfeed.sourcelist import import_sources

    path = site / "feeds" / "pressfeed.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "sources_file: feeds/extra.yaml\n", encoding="utf-8")
    (site / "feeds" / "extra.yaml").touch()  # named, it must be there (a typo dropped its sources silently)
    config = load_config(site)
    assert config.sources_file == site / "feeds" / "extra.yaml"
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><head/><body>'
        b'<outline type="rss" text="x" xmlUrl="https://www.korea.kr/rss/dept_mofa.xml"/></body></opml>'
    )
    result = import_sources(config, opml, "list.opml", "politics")
    assert result.path == site / "feeds" / "extra.yaml"
    assert [s.id for s in load_config(site).sources] == ["mofa"]


def test_the_digest_follows_values_not_comments_or_layout(site: Path) -> None:
    """The digest is in every feed's build fingerprint: a comment must not rewrite (and re-date) feeds, while
    a value anywhere, in the config or the sources file (whose terms are applied at render), must."""
    path, sources = config_path(site), site / "feeds" / "sources.yaml"
    sources.write_text("- {id: mofa, name: 외교부, url: 'https://www.mofa.go.kr/rss.xml', section: politics}\n")
    digest = load_config(site).digest
    text = config_text(site)
    path.write_text("# the portal's feeds\n" + text.replace("title: 정치", 'title: "정치"   # politics') + "\n\n")
    sources.write_text(
        "# imported\n- id: mofa\n  name: 외교부\n  url: https://www.mofa.go.kr/rss.xml\n  section: politics\n"
    )
    assert load_config(site).digest == digest
    sources.write_text(sources.read_text() + "  republish: summary\n")
    assert load_config(site).digest != digest
    sources.unlink()
    without_sources = load_config(site).digest
    path.write_text(
        text.replace("  politics:\n    title: 정치\n", "").replace(
            "  economy:", "  politics:\n    title: 정치\n  economy:"
        )
    )
    assert load_config(site).digest not in (digest, without_sources)  # the sections' order is published


def test_a_sources_file_the_config_names_must_exist(site: Path) -> None:
    """A typo (source.yaml for sources.yaml) dropped every source in the file: `check` said "config ok" and
    runs went on, exit 0, without them. The default file may be missing: nothing was imported yet."""
    (site / "feeds" / "sources.yaml").write_text(
        "- {id: mofa, name: 외교부, url: 'https://www.mofa.go.kr/rss.xml', section: politics}\n"
    )
    text = config_text(site) + "sources_file: feeds/source.yaml\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "sources_file:"), "sources_file")
    assert error.message == (
        "feeds/source.yaml does not exist: correct the path, or create the file (empty) for `sources import` to fill"
    )
    config_path(site).write_text(config_text(site).replace("source.yaml", "sources.yaml"), encoding="utf-8")
    assert [source.id for source in load_config(site).sources][-1] == "mofa"
    (site / "feeds" / "sources.yaml").unlink()
    assert "mofa" not in [source.id for source in load_config(site).sources]  # the default, named or not


# -- paths may not leave the site; numbers must be sane (hostile or careless configs) ----------------


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("  dir: public\n", "  dir: ../../x\n", "output.dir"),
        ("  dir: public\n", "  dir: public/../../x\n", "output.dir"),
        ("  path: .pressfeed/pressfeed.db\n", "  path: ../x.db\n", "store.path"),
    ],
)
def test_relative_paths_may_not_leave_the_site(site, old, new, key):
    text = edit(site, old, new)
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, new.strip()), key)
    assert "leads outside the site directory (use an absolute path to mean it)" in error.message


@pytest.mark.parametrize("value", [".", "feeds", "./feeds/", "public/.."])
def test_output_dir_may_not_be_the_site_or_the_config_folder(site, value):
    text = edit(site, "  dir: public\n", f"  dir: {value}\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"dir: {value}"), "output.dir")
    assert error.message.startswith("must not be the site directory or hold it") or error.message.startswith(
        "must not be the config's folder or hold it"
    )


@pytest.mark.parametrize("linked", ["public", "www"])
def test_an_output_dir_through_a_link_to_a_missing_folder_is_a_config_error(site, tmp_path, linked):
    """An operator's: `public -> /var/www/feeds`, linked before the web root was made. `check` said ok, and `run`
    imported, then failed at the build with exit 74 and "File exists" (mkdir cannot make a folder through it)."""
    (site / linked).symlink_to(tmp_path / "www" / "feeds")
    text = edit(site, "  dir: public\n", f"  dir: {linked}/{'' if linked == 'public' else 'feeds'}\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"dir: {linked}"), "output.dir")
    which = "it is" if linked == "public" else f"{site / linked} is"
    assert (
        error.message
        == f"{which} a symbolic link to {tmp_path / 'www' / 'feeds'}, which does not exist: create that folder"
    )
    (tmp_path / "www" / "feeds").mkdir(parents=True)
    assert load_config(site).output.dir.resolve() == (
        tmp_path / "www" / "feeds" / ("" if linked == "public" else "feeds")
    )


def test_sources_file_may_not_leave_the_site(site):
    text = config_text(site) + "sources_file: ../elsewhere/sources.yaml\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "sources_file:"), "sources_file")


def test_absolute_output_dir_is_the_operators_choice(site, tmp_path):
    out = tmp_path / "www" / "feeds"
    config_path(site).write_text(edit(site, "  dir: public\n", f"  dir: {out}\n"), encoding="utf-8")
    assert load_config(site).output.dir == out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".inf", "must be a finite number"),
        (".nan", "must be a finite number"),
        ("-5", "must be more than 0 and at most 3600"),
        ("0", "must be more than 0 and at most 3600"),
        ("100000", "must be more than 0 and at most 3600"),
    ],
)
def test_fetch_timeout_is_finite_positive_and_reported_against_itself(site, value, message):
    text = config_text(site) + f"fetch:\n  timeout: {value}\n"
    error = load_error(site, text)
    assert (error.line, error.key, error.message) == (line_no(text, "timeout:"), "fetch.timeout", message)


def test_connect_timeout_longer_than_timeout(site):
    text = config_text(site) + "fetch:\n  timeout: 5\n  connect_timeout: 9\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "connect_timeout:"), "fetch.connect_timeout")
    assert error.message == "must be at most fetch.timeout"


def test_connect_timeout_defaults_to_at_most_ten_seconds(site):
    base = config_text(site)
    config_path(site).write_text(base + "fetch:\n  timeout: 4\n", encoding="utf-8")
    assert load_config(site).fetch.connect_seconds == 4
    config_path(site).write_text(base + "fetch:\n  timeout: 40\n", encoding="utf-8")
    assert load_config(site).fetch.connect_seconds == 10


def test_every_setting_has_one_default(site):
    """Defaults come from the dataclass fields: an empty group equals the dataclass's own defaults."""
    from pressfeed.config import FetchConfig, OutputConfig

    config = load_config(site)
    assert (config.output.items_per_feed, config.output.summary_length) == (
        OutputConfig().items_per_feed,
        OutputConfig().summary_length,
    )
    defaults = FetchConfig()
    assert (config.fetch.concurrency, config.fetch.per_host, config.fetch.max_bytes, config.fetch.timeout) == (
        defaults.concurrency,
        defaults.per_host,
        defaults.max_bytes,
        defaults.timeout,
    )


# -- the store is never served ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("  path: public/pressfeed.db\n", "store.path"),
        ("  path: ./public/./data/../pressfeed.db\n", "store.path"),
        ("  url: sqlite:public/pressfeed.db\n", "store.url"),
        ("  url: sqlite://{site}/public/db/pressfeed.db\n", "store.url"),
    ],
)
def test_a_sqlite_store_inside_output_dir_is_refused(site, line, key):
    """Served by `pressfeed serve` and nginx alike: drafts and embargoed releases for anyone to download."""
    line = line.format(site=site.resolve())
    text = edit(site, STORE_LINE, line)
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, line.strip()), key)
    assert "is inside output.dir" in error.message and "served publicly" in error.message
    assert "keep the store outside output.dir" in error.message


def test_a_store_reached_through_a_symlink_into_output_dir_is_refused(site):
    (site / "public").mkdir()
    (site / "data").symlink_to(site / "public")
    text = edit(site, STORE_LINE, "  path: data/pressfeed.db\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "data/pressfeed.db"), "store.path")


def test_an_output_dir_holding_the_default_store_is_refused_at_output_dir(site):
    text = edit(site, "store:\n" + STORE_LINE, "").replace("  dir: public\n", "  dir: .pressfeed/..//.pressfeed\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "dir: .pressfeed"), "output.dir")
    assert error.message.startswith("must not be .pressfeed or hold it")


def test_an_absolute_output_dir_holding_an_absolute_store_is_refused(site, tmp_path):
    out = tmp_path / "www"
    text = edit(site, "  dir: public\n", f"  dir: {out}\n").replace(STORE_LINE, f"  path: {out}/pressfeed.db\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "pressfeed.db"), "store.path")


def test_a_store_url_from_the_environment_inside_output_dir_is_refused(site, monkeypatch):
    monkeypatch.setenv("PRESSFEED_STORE_URL", "sqlite:public/x.db")
    with pytest.raises(ConfigError, match=r"^PRESSFEED_STORE_URL: the SQLite store .* is inside output.dir"):
        load_config(site)


def test_a_store_beside_output_dir_is_fine(site):
    text = edit(site, STORE_LINE, "  path: public-data/pressfeed.db\n")
    config_path(site).write_text(text, encoding="utf-8")
    assert load_config(site).store_path == site.resolve() / "public-data" / "pressfeed.db"


# -- request headers and output.dir: checked now, not when the run has already written ----------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"x\\nY: 1"', "a line break (U+000A) at character 2: a header value is one line of text"),
        ('"x\\r\\nY: 1"', "a line break (U+000D) at character 2"),
        ('"x\\0"', "NUL (U+0000) at character 2"),
        ('"x\\x07"', "a control character (U+0007) at character 2"),
        ('"x\\x7f"', "a control character (U+007F) at character 2"),
        ("포탈뉴스", "'포' at character 1: header values must be ASCII"),
    ],
)
def test_a_user_agent_that_http_cannot_send_is_refused(site, value, message):
    text = config_text(site) + f"fetch:\n  user_agent: {value}\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "user_agent:"), "fetch.user_agent")
    assert error.message.startswith(message)


def test_a_user_agent_with_tabs_and_punctuation_is_fine(site):
    config_path(site).write_text(config_text(site) + 'fetch:\n  user_agent: "bot/1.0\\t(+https://x.kr/; a@b)"\n')
    assert load_config(site).fetch.user_agent == "bot/1.0\t(+https://x.kr/; a@b)"


@pytest.mark.parametrize(
    ("headers", "key", "message"),
    [
        ('{"Bad Name": v}', "sources[0].headers.Bad Name", "not a header name"),
        ('{"X-A:": v}', "sources[0].headers.X-A:", "not a header name"),
        ('{"": v}', "sources[0].headers.", "not a header name"),
        ('{"Référer": v}', "sources[0].headers.Référer", "not a header name"),
        ('{Referer: "https://x.kr/\\r\\nX: 1"}', "sources[0].headers.Referer", "a line break (U+000D)"),
        ('{Referer: "a\\0b"}', "sources[0].headers.Referer", "NUL (U+0000) at character 2"),
        ("{Referer: [a]}", "sources[0].headers.Referer", "header values must be strings"),
        # an attack's: accepted, then every fetch failed ("Too little data for declared Content-Length")
        ('{Content-Length: "5"}', "sources[0].headers.Content-Length", "the fetcher sets this header itself"),
        ("{transfer-encoding: chunked}", "sources[0].headers.transfer-encoding", "the fetcher sets this header"),
        ("{Upgrade: websocket}", "sources[0].headers.Upgrade", "the fetcher sets this header itself"),
        ("{Host: www.msit.go.kr}", "sources[0].headers.Host", "the fetcher sets this header itself"),
        ("{Connection: Upgrade}", "sources[0].headers.Connection", "the fetcher sets this header itself"),
    ],
)
def test_a_source_header_that_http_cannot_send_is_refused(site, headers, key, message):
    text = config_text(site) + SOURCE.format(section="science") + f"    headers: {headers}\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "headers:"), key)
    assert error.message.startswith(message)


def test_a_browsers_copied_headers_load(site):
    """A review's: refused for a while, and configs with headers copied from a browser failed on upgrade."""
    copied = "{Connection: keep-alive, Keep-Alive: timeout=5, TE: trailers}"
    config_path(site).write_text(config_text(site) + SOURCE.format(section="science") + f"    headers: {copied}\n")
    assert dict(load_config(site).sources[0].headers)["Connection"] == "keep-alive"


def test_ordinary_source_headers_load(site):
    headers = "{Referer: 'https://www.msit.go.kr/', X-Requested-With: XMLHttpRequest, \"Accept-Language\": ko}"
    config_path(site).write_text(config_text(site) + SOURCE.format(section="science") + f"    headers: {headers}\n")
    [source] = load_config(site).sources
    assert dict(source.headers) == {
        "Accept-Language": "ko",
        "Referer": "https://www.msit.go.kr/",
        "X-Requested-With": "XMLHttpRequest",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("README", "is a file, not a folder"),
        ("README/feeds", "cannot be made: {site}/README is a file, not a folder"),
        ("link", "is a file, not a folder"),  # a symlink to a file
    ],
)
def test_an_output_dir_that_is_a_file_is_refused(site, value, message):
    (site / "README").write_text("read me\n")
    (site / "link").symlink_to(site / "README")
    text = edit(site, "  dir: public\n", f"  dir: {value}\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"dir: {value}"), "output.dir")
    assert error.message.startswith(message.format(site=site.resolve()))
    assert error.message.endswith("name a folder (pressfeed creates it)")


def test_an_output_dir_not_made_yet_is_fine(site):
    config_path(site).write_text(edit(site, "  dir: public\n", "  dir: build/www/public\n"), encoding="utf-8")
    assert load_config(site).output.dir == site.resolve() / "build" / "www" / "public"


# -- what a message says: its line, and the words a person uses --------------------------------------


@pytest.mark.parametrize("char", ["\x07", "\x00", "\x1b"])
def test_a_control_character_in_the_config_names_its_line(site, char):
    text = edit(site, "  timezone: Asia/Seoul\n", f"  timezone: Asia/Seoul\n  description: 포탈{char}뉴스\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "description:"), "")
    assert error.message.startswith(f"invalid YAML: character U+{ord(char):04X} is not allowed in YAML text")


def test_a_control_character_in_a_yaml_export_names_its_line():
    from pressfeed.errors import InputError
    from pressfeed.imports.read import read_records

    with pytest.raises(InputError) as caught:
        read_records("x.yaml", "- id: '1'\n  title: 제목\n  byline: 포탈\x07\n")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert problem.message.startswith("invalid YAML: character U+0007 is not allowed")


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("- site: x\n- sections: y\n", 1, "a list"),
        ("# a comment\n\n---\nportal\n", 4, "text"),
        ("\n  - a\n", 2, "a list"),
        ("2025\n", 1, "a number"),
    ],
)
def test_a_config_that_is_not_a_mapping_names_its_line(site, text, line, what):
    error = load_error(site, text)
    assert (error.line, error.key) == (line, "")
    assert error.message == f"must be a mapping of settings (site:, sections:, …), not {what}"


def test_a_sources_file_that_is_not_a_list_names_its_line(site):
    (site / "feeds" / "sources.yaml").write_text("# sources\nid: msit\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    assert (caught.value.file, caught.value.line) == (str(site / "feeds" / "sources.yaml"), 2)
    assert caught.value.message == "must be a YAML list of sources, not a mapping"


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            "  dir: public\n",
            "  dir: public\n  items_per_feed: [50]\n",
            "output.items_per_feed",
            "must be an integer, not a list",
        ),
        ("  title: 포탈뉴스통신\n", "  title: [포탈뉴스통신]\n", "site.title", "must be text, not a list"),
        ("  title: 포탈뉴스통신\n", "  title: {name: 포탈}\n", "site.title", "must be text, not a mapping"),
        ("  title: 포탈뉴스통신\n", "  title: 2025\n", "site.title", "must be text, not a number (put it in quotes)"),
        ("  title: 포탈뉴스통신\n", "  title: yes\n", "site.title", "must be text, not true/false (put it in quotes)"),
        (
            "  title: 포탈뉴스통신\n",
            "  title: 2025-11-08\n",
            "site.title",
            "must be text, not a date (put it in quotes)",
        ),
        ("output:\n  dir: public\n", "output: [public]\n", "output", "must be a mapping, not a list"),
        ("output:\n  dir: public\n", "output: public\n", "output", "must be a mapping, not text"),
    ],
)
def test_type_errors_say_what_was_written(site, old, new, key, message):
    text = edit(site, old, new)
    error = load_error(site, text)
    assert (error.line, error.key, error.message) == (line_no(text, new.splitlines()[-1]), key, message)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!include [feeds/articles/*.yaml]", "!include"),
        ("!include\n  - feeds/articles/*.yaml", "!include"),
        ("!!set {feeds/articles/*.yaml}", "!!set"),
        ("!include feeds/articles/*.yaml", "!include"),
        ("[!include feeds/articles/*.yaml]", "!include"),
    ],
)
def test_tags_are_refused_on_lists_and_mappings_as_on_text(site, value, tag):
    """`!include [a.yaml]` was read as the plain list, `!include a.yaml` refused: neither is included."""
    text = config_text(site) + f"imports: {value}\n"
    error = load_error(site, text)
    assert error.line == line_no(text, "imports:")
    assert error.key.startswith("imports")
    assert error.message == f"invalid YAML: the tag {tag} is not supported here (remove it; plain YAML only)"


def test_standard_scalar_tags_still_load(site):
    config_path(site).write_text(config_text(site) + "imports: !!seq [!!str feeds/a.yaml]\n", encoding="utf-8")
    assert load_config(site).imports == ("feeds/a.yaml",)


# -- imports: may not leave the site ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("../../../../etc/*.conf", "leads outside the site directory (use an absolute path to mean it)"),
        ("feeds/../../x/*.yaml", "leads outside the site directory"),
        ("..", "leads outside the site directory"),
        ("feeds/*/../../../etc/*.conf", "leads outside the site directory"),
        ("feeds/*/../articles/*.yaml", "'..' after a wildcard may lead anywhere"),
    ],
)
def test_relative_imports_may_not_leave_the_site(site, pattern, message):
    text = config_text(site) + f"imports:\n  - feeds/articles/*.yaml\n  - {pattern}\n"
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"  - {pattern}"), "imports[1]")
    assert message in error.message


def test_imports_inside_the_site_or_absolute_are_kept(site, tmp_path):
    patterns = ["feeds/articles/*.yaml", "./exports/../exports/**/*.json", f"{tmp_path}/cms/*.jsonl"]
    text = config_text(site) + "imports:\n" + "".join(f"  - {p}\n" for p in patterns)
    config_path(site).write_text(text, encoding="utf-8")
    assert load_config(site).imports == tuple(patterns)


@pytest.mark.parametrize("key", ["icon", "logo"])
def test_site_images_must_be_absolute_urls(site, key):
    text = edit(site, "  language: ko\n", f"  language: ko\n  {key}: /image/logo.png\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, f"{key}:"), f"site.{key}")
    assert error.message.startswith("must be an absolute http")


def test_a_number_python_cannot_read_names_its_line_and_key(site):
    """int() refuses more than 4,300 digits: a traceback and exit 1, where a broken config names its key."""
    text = edit(site, "  dir: public\n", "  dir: public\n  items_per_feed: " + "9" * 5000 + "\n")
    error = load_error(site, text)
    assert (error.line, error.key) == (line_no(text, "items_per_feed"), "output.items_per_feed")
    assert error.message == "a number longer than 4,300 digits (quote it if it is text)"
