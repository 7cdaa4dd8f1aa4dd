"""The agency registry (`agencies:`): current and former names, sections, homes, credits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import CONFIG_TEXT, NOW
from pressfeed.config import Config, load_config
from pressfeed.errors import ConfigError
from pressfeed.model import InputKind, RawArticle
from pressfeed.normalize import Normalized, normalize

REGISTRY = """\
agencies:
  과학기술정보통신부: {id: msit, home: https://www.msit.go.kr/, section: it-science}
  재정경제부: {id: mofe, home: https://www.mofe.go.kr/, section: economy, aliases: [기획재정부]}
  기후에너지환경부: {id: mcee, home: https://www.me.go.kr/, section: society, aliases: [환경부]}
"""

API_SOURCE = """\
sources:
  - id: briefing
    kind: briefing-api
    name: 정책브리핑
    home: https://www.korea.kr/
    url: https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList
    service_key_env: DATA_GO_KR_SERVICE_KEY
    section: politics
"""


def load(site: Path, extra: str) -> Config:
    (site / "feeds" / "pressfeed.yaml").write_text(CONFIG_TEXT + extra, encoding="utf-8")
    return load_config(site)


def load_error(site: Path, extra: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(site, extra)
    return info.value


def api_item(agency: str, **fields: object) -> RawArticle:
    values: dict[str, object] = {
        "kind": InputKind.SOURCE,
        "title": "2026년 하반기 경제정책방향",
        "link": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156750001",
        "guid": "156750001",
        "body_html": "<p>정부는 하반기 경제정책방향을 발표했다.</p>",
        "published": datetime(2025, 11, 7, 0, 0, tzinfo=UTC),
        "agency": agency,
        "feed_url": "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList",
    }
    values.update(fields)
    return RawArticle(**values)  # type: ignore[arg-type]


def ingest_one(config: Config, item: RawArticle) -> Normalized:
    return normalize(item, config.normalize_context(), config.source("briefing"), NOW)


# -- the config -------------------------------------------------------------------------------


def test_registry_is_read_with_ids_homes_sections_and_former_names(site: Path) -> None:
    config = load(site, REGISTRY)
    mofe = config.agencies.find("기획재정부")
    assert mofe is not None and (mofe.name, mofe.id, mofe.section) == ("재정경제부", "mofe", "economy")
    assert config.agencies.find("재정경제부") is mofe
    assert config.agencies.find(" 기획 재정부 ") is mofe  # spacing does not matter
    assert config.agencies.find("국방부") is None


def test_a_name_claimed_by_two_agencies_is_refused(site: Path) -> None:
    text = REGISTRY + "  환경부: {id: me}\n"
    error = load_error(site, text)
    assert error.key == "agencies.환경부"
    assert error.message == "'환경부' already names agency '기후에너지환경부'"


def test_registry_section_must_exist(site: Path) -> None:
    error = load_error(site, "agencies:\n  국방부: {section: 국방}\n")
    assert (error.key, error.message) == (
        "agencies.국방부.section",
        "unknown section '국방' (known: economy, it-science, politics, society)",
    )


def test_api_source_needs_its_key_variable(site: Path) -> None:
    error = load_error(site, API_SOURCE.replace("    service_key_env: DATA_GO_KR_SERVICE_KEY\n", ""))
    assert error.key == "sources[0].service_key_env"
    assert error.message == "required for kind briefing-api (the key's variable name)"


def test_api_settings_are_refused_on_a_feed(site: Path) -> None:
    text = "sources:\n  - {id: msit, name: 과기정통부, url: https://www.msit.go.kr/rss, section: science, rows: 50}\n"
    error = load_error(site, text)
    assert (error.key, error.message) == ("sources[0].rows", "only for kind briefing-api (this source's kind is feed)")


def test_the_key_itself_is_never_a_config_value(site: Path) -> None:
    error = load_error(site, API_SOURCE.replace("DATA_GO_KR_SERVICE_KEY", "abc%2Bdef=="))
    assert error.key == "sources[0].service_key_env"
    assert "name of an environment variable" in error.message


def test_window_may_not_exceed_three_days(site: Path) -> None:
    error = load_error(site, API_SOURCE + "    window_days: 4\n")
    assert (error.key, error.message) == ("sources[0].window_days", "must be between 1 and 3")


# -- items credited through the registry -----------------------------------------------------


def test_former_name_keeps_its_credit_and_takes_the_current_entrys_section_and_home(site: Path) -> None:
    config = load(site, REGISTRY + API_SOURCE)
    normalized = ingest_one(config, api_item("기획재정부"))
    article = normalized.article
    assert article.section == "economy"
    assert article.source is not None
    assert (article.source.name, article.source.credit) == ("기획재정부", "[뉴스출처 : 기획재정부]")
    assert article.source.home == "https://www.mofe.go.kr/"
    assert normalized.unknown_agency == ""


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        # a joint release: its other agency as the body names it (a former name stays), once
        ("[뉴스출처 : 재정경제부] [뉴스출처 : 환경부] [뉴스출처 : 기후에너지환경부]", "[뉴스출처 : 환경부]"),
        ("[뉴스출처 : 기획재정부]", ""),  # the item's own agency under its former name: no second credit
        ("[뉴스출처 : 과기정통부]", ""),  # a short name the registry does not know: perhaps the same agency
    ],
)
def test_a_joint_releases_other_agencies_stay_in_its_credit(site: Path, credit: str, expected: str) -> None:
    config = load(site, REGISTRY + API_SOURCE)
    body = f"<p>정부는 하반기 경제정책방향을 발표했다.</p><p>{credit}</p>"
    article = ingest_one(config, api_item("재정경제부", body_html=body)).article
    assert article.source is not None
    assert article.source.credit == " ".join(filter(None, ("[뉴스출처 : 재정경제부]", expected)))
    assert "뉴스출처" not in article.body_html


def test_unknown_agency_is_credited_by_its_own_name_in_the_fallback_section(site: Path) -> None:
    config = load(site, REGISTRY + API_SOURCE)
    normalized = ingest_one(config, api_item("국가유산청"))
    assert normalized.article.section == "politics"  # the source's section
    assert normalized.article.source is not None
    assert (normalized.article.source.name, normalized.article.source.home) == ("국가유산청", "")
    assert normalized.unknown_agency == "국가유산청"


def test_source_rules_come_before_the_registry(site: Path) -> None:
    config = load(site, REGISTRY + API_SOURCE + "    rules:\n      - {match: 하반기, section: society}\n")
    assert ingest_one(config, api_item("기획재정부")).article.section == "society"


#: policy briefing's combined feed: every ministry's releases, the agency in the title ("[환경부] …")
COMBINED_FEED = """\
sources:
  - id: combined
    name: 정책브리핑
    url: https://www.korea.kr/rss/pressrelease.xml
    agency_from_title: true
    section: politics
"""


def test_combined_feed_title_prefix_finds_the_agency(site: Path) -> None:
    config = load(site, REGISTRY + COMBINED_FEED)
    item = api_item("", title="[환경부] 미세먼지 저감 대책")
    normalized = normalize(item, config.normalize_context(), config.source("combined"), NOW)
    article = normalized.article
    assert (article.title, article.section) == ("미세먼지 저감 대책", "society")
    assert article.source is not None and article.source.name == "환경부"


@pytest.mark.parametrize("label", ["설명자료", "보도자료", "보도참고자료", "사진", "속보", "2025 국정감사", "알림"])
def test_a_title_prefix_naming_the_kind_of_item_names_no_agency(site: Path, label: str) -> None:
    """'[설명자료] 언론 보도 관련' was credited "[뉴스출처 : 설명자료]": the source's attribution stays."""
    config = load(site, REGISTRY + COMBINED_FEED)
    item = api_item("", title=f"[{label}] 언론 보도 관련")
    article = normalize(item, config.normalize_context(), config.source("combined"), NOW).article
    # a press-release label is how the feed lists a release, no part of its title; another kind's stays
    assert article.title == "언론 보도 관련" if label in ("보도자료", "보도참고자료") else f"[{label}] 언론 보도 관련"
    assert article.source is not None and article.source.name == "정책브리핑"


# -- embargo ------------------------------------------------------------------------------------


def test_embargo_later_than_approval_dates_the_release_and_is_never_clamped(site: Path) -> None:
    config = load(site, REGISTRY + API_SOURCE)
    embargo = NOW + timedelta(hours=12)
    normalized = ingest_one(config, api_item("기획재정부", published=NOW - timedelta(hours=1), embargo=embargo))
    assert normalized.article.published == embargo
    assert normalized.warnings == ()


def test_embargo_before_approval_changes_nothing(site: Path) -> None:
    config = load(site, REGISTRY + API_SOURCE)
    approved = NOW - timedelta(hours=1)
    normalized = ingest_one(config, api_item("기획재정부", published=approved, embargo=approved - timedelta(hours=2)))
    assert normalized.article.published == approved


# -- terms -------------------------------------------------------------------------------------


TERMS = """\
agencies:
  재정경제부: {id: mofe, republish: full, images: keep, license: KOGL-4}
  기후에너지환경부: {id: mcee, republish: link, license: KOGL-3}
  해양수산부: {id: mof}
sources:
  - id: briefing
    kind: briefing-api
    name: 정책브리핑
    url: https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList
    service_key_env: DATA_GO_KR_SERVICE_KEY
    section: politics
    republish: summary
    images: drop
    license: KOGL-1
  - {id: mof, name: 해양수산부, url: "https://www.mof.go.kr/rss.xml", section: society, republish: link, images: drop}
"""


def test_the_agencys_terms_win_over_the_source_that_brought_it(site: Path) -> None:
    """A review's: the API source's name (not an agency) was counted as an agency, so its own terms came back
    beside the registry entry's, and the least of the two went out."""
    from pressfeed.config import Images, Republish
    from pressfeed.model import Attribution
    from pressfeed.rights import Rights, rights_for

    config = load(site, TERMS)
    assert rights_for(config, "source:briefing", Attribution("재정경제부")) == Rights(license="KOGL-4")
    # an agency the registry gives no terms: the source's
    unknown = rights_for(config, "source:briefing", Attribution("국가유산청"))
    assert unknown == Rights(Republish.SUMMARY, Images.DROP, "KOGL-1")


def test_a_release_goes_out_under_the_least_terms_of_its_sources_and_agencies(site: Path) -> None:
    from pressfeed.config import Images, Republish
    from pressfeed.model import Attribution
    from pressfeed.rights import Rights, rights_for

    config = load(site, TERMS)
    # the API's copy of 해양수산부's release, whose board is `link`: the board is one of the sources that brought it
    assert rights_for(config, "source:briefing", Attribution("해양수산부"), ["briefing", "mof"]) == Rights(
        Republish.LINK, Images.DROP, "KOGL-1"
    )
    # a joint release: its other agency's terms hold too, and its licence travels with them
    joint = Attribution("재정경제부", joint=("기후에너지환경부",))
    assert rights_for(config, "source:briefing", joint) == Rights(Republish.LINK, Images.DROP, "KOGL-4, KOGL-3")
    # the board removed from the config: it counts no more, whether it brought the release first or a copy
    removed = load(site, TERMS.split("  - {id: mof")[0])
    api = Rights(Republish.SUMMARY, Images.DROP, "KOGL-1")
    assert rights_for(removed, "source:briefing", Attribution("해양수산부"), ["briefing", "mof"]) == api
    assert rights_for(removed, "source:mof", Attribution("해양수산부"), ["briefing", "mof"]) == api
    # no source that brought it is configured: its terms are not known
    assert rights_for(removed, "source:mof", Attribution("해양수산부"), ["mof"]) == Rights(Republish.LINK, Images.DROP)
    assert rights_for(config, "cms", Attribution("해양수산부"), ["mof"]) == Rights()  # the newsroom's own
