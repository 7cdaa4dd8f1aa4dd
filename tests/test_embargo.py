"""The embargo notice opening a release's body: found, dropped, and read for its time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pressfeed.embargo import drop_embargo_notice, drop_title_lines, notice_embargo, split_embargo_notice
from pressfeed.sanitize import markup_text, sanitize_html

BASE = "https://www.example-portal.kr/news/articleView.html?idxno=123456"

# -- drop_embargo_notice -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # as the press-release API sends it: red, bold, its own paragraph
            '<p style="color:#ff0000;"><strong>※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기 바랍니다.'
            "</strong></p><p>외교부 장관과 국방부 장관은 11월 26일 공동성명을 채택했다.</p>",
            "<p>외교부 장관과 국방부 장관은 11월 26일 공동성명을 채택했다.</p>",
        ),
        (
            "<p>이 보도자료는 2025. 11. 8.(토) 조간부터 보도할 수 있습니다.</p>\n<p>본문 첫 문단.</p>",
            "<p>본문 첫 문단.</p>",
        ),
        (  # a line of the first paragraph: the rest of it stays
            "<p>※ 11. 27.(목) 12:00 이전에는 보도를 삼가 주시기 바랍니다.<br>본문 첫 줄.</p>",
            "<p>본문 첫 줄.</p>",
        ),
        ("<p>[엠바고] 11.27.(금) 06:00 이후 보도</p><p>본문.</p>", "<p>본문.</p>"),
        (
            "<div><p>※ 본 자료는 11월 27일(목) 석간부터 보도해 주시기 바랍니다</p><p>본문.</p></div>",
            "<div><p>본문.</p></div>",
        ),
        ("※ 이 자료는 11월 27일 06:00 이후 보도하여 주시기 바랍니다.<p>본문.</p>", "<p>본문.</p>"),
        ("<p>※ 11월 27일(금) 06:00 이후 보도 가능</p><p>본문.</p>", "<p>본문.</p>"),
        ("<p>※ 11월 27일(금) 06:00 이후 보도</p><p>본문.</p>", "<p>본문.</p>"),
        (  # the container it was alone in goes with it
            "<blockquote><p>※ 이 자료는 11월 27일 06:00 이후 보도하여 주시기 바랍니다.</p></blockquote><p>본문.</p>",
            "<p>본문.</p>",
        ),
        ("<p>※ 보도 엠바고 : 11. 27.(목) 12:00</p><p>본문.</p>", "<p>본문.</p>"),
        # a remark after it, other verbs, 엠바고 after the time (a reviewer's wordings, each left in the body)
        (
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다(인터넷, 방송 포함).</p><p>본문.</p>",
            "<p>본문.</p>",
        ),
        ("<p>※ 11월 27일(목) 12:00 이후 보도 부탁드립니다.</p><p>본문.</p>", "<p>본문.</p>"),
        ("<p>※ 11월 27일(목) 12:00 엠바고 해제</p><p>본문.</p>", "<p>본문.</p>"),
        (  # an empty paragraph first, as HWP exports begin: the notice was not seen, nor held the release
            "<p>&nbsp;</p><p>※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기 바랍니다.</p><p>본문.</p>",
            "<p>&nbsp;</p><p>본문.</p>",
        ),
    ],
    ids=[
        "api",
        "morning-edition",
        "line",
        "embargo-word",
        "nested",
        "bare-text",
        "may",
        "terse",
        "quoted",
        "embargo-label",
        "remark",
        "ask",
        "lifted",
        "after-an-empty-paragraph",
    ],
)
def test_a_leading_embargo_notice_is_dropped(body: str, expected: str) -> None:
    body = sanitize_html(body, BASE)
    assert drop_embargo_notice(body) == expected
    assert sanitize_html(expected, BASE) == expected  # still what the sanitizer would store


@pytest.mark.parametrize(
    "body",
    [
        "<p>금융위원회는 12월 1일부터 보도자료 배포 방식을 바꾼다고 밝혔다.</p><p>본문.</p>",  # asks nothing
        "<p>정부는 2026년부터 보도 지원을 늘린다.</p>",
        "<p>이 자료는 보도 후 사용하시기 바랍니다.</p>",  # no time: no embargo
        "<p>정부는 밝혔다. 이 자료는 11월 27일 06:00 이후 보도하여 주시기 바랍니다.</p>",  # not the whole line
        "<p>본문.</p><p>※ 이 자료는 11월 27일 06:00 이후 보도하여 주시기 바랍니다.</p>",  # not the first line
        "<table><tr><td>※ 이 자료는 11월 27일 06:00 이후 보도하여 주시기 바랍니다.</td></tr></table><p>본문.</p>",
        "<p><strong>※ 이 자료는 11월 27일(금) 06:00 이후 보도하여</strong> 주시기 바랍니다. 외교부는 오늘</p>",
        # policy news of the notice's shape: a date, 부터/이후, a verb of use, broadcast or 보도…
        "<p>모바일 신분증은 12월 1일부터 사용할 수 있습니다.</p><p>본문.</p>",
        "<p>방송통신위원회는 내년 1월 1일부터 방송광고 규제를 완화합니다.</p>",
        "<p>서울시는 3월부터 보도블록 교체 공사를 시작합니다.</p>",
        "<p>1회용 컵은 내년 4월부터 사용을 금지합니다.</p>",
        "<p>새 여권은 12월 21일 이후 사용할 수 있습니다</p>",
        "<h3>5월 1일부터 보도 사진 저작권 표시를 의무화합니다</h3><p>본문.</p>",
        "<p>정부는 12월 1일부터 보도를 통제한다.</p>",
        "<p>이 사업은 11월 27일부터 시행합니다(자세한 내용 첨부).</p>",
        "<p>정부는 12월 1일부터 엠바고 제도를 개선한다.</p>",
    ],
    ids=[
        "story",
        "story-2",
        "no-time",
        "after-a-sentence",
        "not-first",
        "table-cell",
        "runs-on",
        "use",
        "broadcast",
        "sidewalk",
        "ban",
        "passport",
        "press-photo",
        "control",
        "in-force",
        "embargo-policy",
    ],
)
def test_text_that_is_no_leading_embargo_notice_stays(body: str) -> None:
    body = sanitize_html(body, BASE)
    assert drop_embargo_notice(body) == body


@pytest.mark.parametrize(
    ("body", "expected", "said"),
    [
        # the header's 보도일시 is the time the release may be reported (배포일시 is when it was handed out)
        (
            "<p>보도일시: 2025. 11. 27.(목) 12:00 / 배포일시: 2025. 11. 26.(수) 10:00</p><p>본문.</p>",
            "<p>본문.</p>",
            "보도일시: 2025. 11. 27.(목) 12:00 / 배포일시: 2025. 11. 26.(수) 10:00",
        ),
        (
            "<p>※ 보도시점 : 11월 27일(목) 12:00 이후</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 보도시점 : 11월 27일(목) 12:00 이후",
        ),
        ("<p>※ 보도 유예: 11월 27일(목) 12:00</p><p>본문.</p>", "<p>본문.</p>", "※ 보도 유예: 11월 27일(목) 12:00"),
        (
            "<p>※ 이 자료의 보도 시점은 11월 27일(목) 12:00 이후입니다.</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 이 자료의 보도 시점은 11월 27일(목) 12:00 이후입니다.",
        ),
        ("<p>Embargo: 11월 27일(목) 12:00</p><p>본문.</p>", "<p>본문.</p>", "Embargo: 11월 27일(목) 12:00"),
        ("<p>엠바고 11/27(목) 12:00</p><p>본문.</p>", "<p>본문.</p>", "엠바고 11/27(목) 12:00"),
        (
            "<p>「 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다 」</p><p>본문.</p>",
            "<p>본문.</p>",
            "「 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다 」",
        ),
        ("<p>※ 11. 27.(목) 조간용</p><p>본문.</p>", "<p>본문.</p>", "※ 11. 27.(목) 조간용"),
        (
            "<p>※ 11월 27일(목) 12:00 이전 보도 금지</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 11월 27일(목) 12:00 이전 보도 금지",
        ),
        (
            "<p>※ 11월 27일(목) 12:00 이후 게재 바랍니다.</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 11월 27일(목) 12:00 이후 게재 바랍니다.",
        ),
        (
            "<p>※ 방송·인터넷: 11. 27.(목) 12:00 이후 / 신문: 11. 28.(금) 조간</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 방송·인터넷: 11. 27.(목) 12:00 이후 / 신문: 11. 28.(금) 조간",
        ),
        (  # the common two-clause notice, longer than a clause's first reach
            "<p>※ 방송·통신·인터넷은 2025. 11. 27.(목) 12:00 이후, 신문은 2025. 11. 28.(금) 조간부터 보도하여 주시기"
            " 바랍니다.</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 방송·통신·인터넷은 2025. 11. 27.(목) 12:00 이후, 신문은 2025. 11. 28.(금) 조간부터 보도하여 주시기"
            " 바랍니다.",
        ),
        (  # two sentences: the proviso is the notice's too
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 단, 인터넷 게재는 18:00 이후</p>"
            "<p>본문.</p>",
            "<p>본문.</p>",
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 단, 인터넷 게재는 18:00 이후",
        ),
        (  # a second line giving the internet its own time goes, and is said
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.</p>"
            "<p>※ 단, 인터넷은 11월 27일(목) 18:00 이후 게재 바랍니다.</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. / ※ 단, 인터넷은 11월 27일(목) 18:00"
            " 이후 게재 바랍니다.",
        ),
        (  # a date's full stop before a word is the date's, not the sentence's end
            "<p>보도일시: 2025. 11. 27. 오후 2시</p><p>본문.</p>",
            "<p>본문.</p>",
            "보도일시: 2025. 11. 27. 오후 2시",
        ),
        (
            "<p>배포일시: 2025. 11. 26.(수) 10:00 / 보도일시: 2025. 11. 27.(목) 12:00</p><p>본문.</p>",
            "<p>본문.</p>",
            "배포일시: 2025. 11. 26.(수) 10:00 / 보도일시: 2025. 11. 27.(목) 12:00",
        ),
        (
            "<p>※ 엠바고 : 11. 27.(목) 12:00 ~ 13:00</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 엠바고 : 11. 27.(목) 12:00 ~ 13:00",
        ),
        (  # a line break before it, inside its paragraph
            "<p><br>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.",
        ),
        (  # the paper's line, then the internet's: two clauses, said as such
            "<p>※ 이 자료는 11. 28.(금) 조간용</p><p>※ 방송·인터넷은 11. 27.(목) 12:00 이후</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 이 자료는 11. 28.(금) 조간용 / ※ 방송·인터넷은 11. 27.(목) 12:00 이후",
        ),
        (
            "<p>엠바고 : 11. 27.(목) 12:00 이후 게재 및 보도 가능</p><p>본문.</p>",
            "<p>본문.</p>",
            "엠바고 : 11. 27.(목) 12:00 이후 게재 및 보도 가능",
        ),
        (
            "<p>보도일시 : 2025. 11. 28.(금)자 조간</p><p>본문.</p>",
            "<p>본문.</p>",
            "보도일시 : 2025. 11. 28.(금)자 조간",
        ),
        (
            "<p>보도일시 : 2025. 11. 27.(목) 12:00 이후 [인터넷 포함] / 담당부서 : 산업통상자원부</p><p>본문.</p>",
            "<p>본문.</p>",
            "보도일시 : 2025. 11. 27.(목) 12:00 이후 [인터넷 포함] / 담당부서 : 산업통상자원부",
        ),
        (
            "<p>※ 11. 27.(목) 12:00 이후 방송·인터넷 보도 가능</p><p>본문.</p>",
            "<p>본문.</p>",
            "※ 11. 27.(목) 12:00 이후 방송·인터넷 보도 가능",
        ),
        (  # a sentence after it about a medium, but no time of the press's: the story's, and the line stays
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 인터넷은 12월 1일부터 요금이"
            " 오릅니다.</p><p>본문.</p>",
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 인터넷은 12월 1일부터 요금이"
            " 오릅니다.</p><p>본문.</p>",
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.",
        ),
        (  # a notice opening a longer line holds the release, and the line stays
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 11월 27일 11:30 브리핑 예정</p>"
            "<p>본문.</p>",
            "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다. 11월 27일 11:30 브리핑 예정</p>"
            "<p>본문.</p>",
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.",
        ),
    ],
    ids=[
        "dateline-header",
        "reporting-point",
        "deferral",
        "its-reporting-point",
        "english",
        "label-without-colon",
        "corner-brackets",
        "edition-only",
        "before-banned",
        "posting",
        "media-labels",
        "long-two-clauses",
        "proviso-sentence",
        "second-line",
        "date-stop-before-a-word",
        "handout-first",
        "range",
        "break-first",
        "paper-then-internet",
        "posting-and-reporting",
        "edition-of-a-day",
        "bracketed-remark-and-department",
        "media-before-reporting",
        "medium-sentence-no-time",
        "opens-a-longer-line",
    ],
)
def test_notices_as_agencies_write_them_are_found(body: str, expected: str, said: str) -> None:
    """Each wording here was a first line left in the body, holding nothing: the release went out at once."""
    assert split_embargo_notice(sanitize_html(body, BASE)) == (expected, said)


@pytest.mark.parametrize(
    "header",
    [
        "<tr><th>보도시점</th><td>2025. 11. 27.(목) 06:00</td><th>배포</th><td>2025. 11. 26.(수)</td></tr>",
        "<tr><td>보도일시</td><td>2025. 11. 27.(목) 06:00</td></tr><tr><td>담당부서</td><td>해운정책과</td></tr>",
        "<tbody><tr><th><p>보도시점</p></th><td><p>11월 27일(목) 06:00 이후</p></td></tr></tbody>",
        # a review's: a label after another field, and one spanning the press's and the internet's rows
        "<tr><th>담당부서</th><td>해운정책과</td><th>보도시점</th><td>2025. 11. 27.(목) 06:00</td></tr>",
        '<tr><th rowspan="2">보도시점</th><td>신문</td><td>11. 28.(금) 조간</td></tr>'
        "<tr><td>방송·인터넷</td><td>11. 27.(목) 06:00</td></tr><tr><td>담당자</td><td>044-200-5000</td></tr>",
    ],
    ids=["label-and-time-cells", "two-rows", "paragraphs-in-cells", "label-after-a-field", "label-spanning-rows"],
)
def test_the_government_templates_header_table_holds_the_release(header: str) -> None:
    """An attack's: a release page opening with the template's header table, the label and the time in cells of
    their own, was published at once (two days early): the first line was "보도시점" alone. Its first row is read
    as the header's fields; the table stays, as a cell's notice does."""
    body = sanitize_html(f"<table>{header}</table><p>해양수산부는 연안여객선 안전관리를 강화한다.</p>", BASE)
    kept, said = split_embargo_notice(body)
    assert kept == body
    assert notice_embargo(said, datetime(2025, 11, 26, 10, tzinfo=SEOUL), SEOUL) == datetime(
        2025, 11, 27, 6, tzinfo=SEOUL
    )


def test_a_table_whose_first_row_names_no_time_holds_nothing() -> None:
    body = sanitize_html("<table><tr><th>구분</th><td>보도시점</td></tr></table><p>본문.</p>", BASE)
    assert split_embargo_notice(body) == (body, "")


@pytest.mark.parametrize(
    "first_line",
    [
        "엠바고 제도는 2026년 1월부터 개선됩니다.",
        "인터넷 신청은 12월 1일부터 가능합니다.",
        "온라인 접수: 12월 1일(월) 09:00부터",
        "이 자료는 12월 1일부터 홈페이지에 게재됩니다.",
        "방송사는 12월 1일 이후 게재를 중단해야 합니다.",
        "보도자료 배포 일정: 12월 1일(월) 10:00",
        "단, 인터넷 접수는 18:00까지 가능합니다.",
        "정부는 11월 27일 12:00 이후 보도자료를 배포할 예정이라고 밝혔다.",
        "경찰은 11월 27일 이후 보도된 내용을 확인하고 있다.",
        "11월 27일(목) 한국일보 보도 관련 설명",
        "신문·방송 광고는 12월 1일부터 허용됩니다.",
        # a reviewer's: reported speech, schedules of broadcasts, a website's use
        "정부는 언론에 12월 1일 이후 보도를 자제해 달라고 요청했다.",
        "유족은 12월 1일 발인 이후까지 보도를 삼가 달라고 호소했다.",
        "국방부, 11월 27일 이후 보도 자제 요청",
        "12월 1일부터 게재를 금지합니다.",
        "본 자료는 2026년 1월 1일 이후 사용이 가능합니다.",
        "방송 : 12월 1일(월) 저녁 8시 KBS1",
        "TV: 11월 27일(목) 22:00 방영",
        "라디오 : 11. 28.(금) 07:30 KBS 제1라디오",
        "온라인: 11. 27.(목) 10:00~12:00",
        "신문: 11월 27일자 1면",
        "보도 : 11월 27일 KBS 9시 뉴스",
        "보도 : 11월 27일 서울",
        "온라인 : 12월 1일(월)부터 12월 5일(금)까지",
        "인터넷 : 12월 1일 오전 10시부터",
    ],
)
def test_policy_news_shaped_like_a_notice_says_nothing(first_line: str) -> None:
    body = sanitize_html(f"<p>{first_line}</p><p>본문.</p>", BASE)
    assert split_embargo_notice(body) == (body, "")


@pytest.mark.parametrize(
    "second",
    [
        "인터넷 이용자는 12월 1일부터 사용할 수 있습니다.",
        "방송·통신 분야는 12월 1일부터 방송 광고 규제가 완화된다.",
        "라디오 방송은 11월 27일 오후 2시부터 시작합니다.",
        "단, 인터넷 신청은 12월 1일까지",
        "온라인은 11월 1일부터 가능합니다.",
        "인터넷은 24시간 가능합니다.",
        "라디오는 오전 7시부터 2시간",
    ],
)
def test_a_story_paragraph_after_a_notice_is_the_story(second: str) -> None:
    """A line under the notice is the notice's only where it gives a medium its own time: these were eaten."""
    notice = "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다."
    body = sanitize_html(f"<p>{notice}</p><p>{second}</p><p>본문.</p>", BASE)
    assert split_embargo_notice(body) == (sanitize_html(f"<p>{second}</p><p>본문.</p>", BASE), notice)


SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("notice", "when"),
    [
        ("※ 이 자료는 11월 27일(목) 06:00 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        ("[엠바고] 11.27.(목) 06:00 이후 보도", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        ("※ 11. 27.(목) 12:00 이전에는 보도를 삼가 주시기 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일 오후 2시 30분 이후 보도", datetime(2025, 11, 27, 14, 30, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일 정오 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일 밤 12시 이후 보도", datetime(2025, 11, 28, tzinfo=SEOUL)),  # midnight, not noon
        ("※ 이 자료는 2025-11-27 06:00 이후 보도", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        ("※ 이 자료는 27일(목) 06:00 이후 보도", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),  # the release's month
        ("※ 이 자료는 12:00(11월 27일) 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),  # the time first
        # the government's two-digit year: "’25. 8. 14." was read as 5월 8일 and went out early
        ("※ 이 자료는 ’25. 8. 14.(목) 12:00 이후 보도", datetime(2025, 8, 14, 12, tzinfo=SEOUL)),
        ("[엠바고] '25. 11. 27.(목) 06:00 이후 보도", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        # an edition: when its papers are out at the latest (never early)
        ("이 보도자료는 2025. 11. 28.(금) 조간부터 보도할 수 있습니다.", datetime(2025, 11, 28, 6, tzinfo=SEOUL)),
        ("※ 본 자료는 11월 27일(목) 석간부터 보도해 주시기 바랍니다", datetime(2025, 11, 27, 15, tzinfo=SEOUL)),
        # several: the internet's is a portal's; else the latest (Korea's beside a local time)
        (
            "신문은 11. 28.(금) 조간, 방송·인터넷은 11. 27.(목) 12:00 이후 보도",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        ("※ 11. 27.(목) 조간(인터넷은 11. 26.(수) 18:00 이후) 보도", datetime(2025, 11, 26, 18, tzinfo=SEOUL)),
        ("※ 현지시간 11월 27일 10:00(한국시간 11월 27일 18:00) 이후 보도", datetime(2025, 11, 27, 18, tzinfo=SEOUL)),
        ("※ 14:00 이후 보도 가능", datetime(2025, 11, 26, 14, tzinfo=SEOUL)),  # the release's own day
        ("※ 이 자료는 2025년 12월 2일 14시 이후 보도", datetime(2025, 12, 2, 14, tzinfo=SEOUL)),
        # a reviewer's: full-width colon, 時, p.m., an online briefing's time, 까지 a day, a foreign time
        ("※ 이 자료는 11월 27일(목) 12：00 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(목) 14時 이후 보도", datetime(2025, 11, 27, 14, tzinfo=SEOUL)),
        ("※ 엠바고: 11월 27일(목) 6:30 p.m.", datetime(2025, 11, 27, 18, 30, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(목) 12.00 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        (
            "[엠바고] 11. 27.(목) 12:00 이후 보도 (온라인 배포 11. 26.(수) 14:00)",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 11월 27일(목)까지 보도를 삼가 주시기 바랍니다.", datetime(2025, 11, 28, tzinfo=SEOUL)),
        ("※ 이 자료는 내일 조간부터 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        ("※ 이 자료는 조간부터 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),  # the next
        ("※ 이 자료는 현지시각 11월 27일(목) 10:00 이후 보도", None),
        ("※ 이 자료는 11월 27일(목) 10:00 (GMT) 이후 보도", None),
        ("※ 이 자료는 11월 27일(목) 10시 브리핑 이후 보도", None),  # when it ends is not said
        ("※ 이 자료는 2026. 11. 27.(금) 12:00 이후 보도", None),  # a year ahead: a typo, not held unsaid
        ("※ 이 자료는 배포 후 2시간 이후 보도", None),  # a duration, not a time: nothing read
        ("※ 이 자료는 현지시간 11월 27일 10:00 이후 보도", None),  # another zone's, and no Korean time
        ("※ 이 자료는 2월 30일 06:00 이후 보도", None),
    ],
)
def test_an_embargo_notice_says_when(notice: str, when: datetime | None) -> None:
    assert notice_embargo(notice, datetime(2025, 11, 26, 10, tzinfo=SEOUL), SEOUL) == when


@pytest.mark.parametrize(
    ("notice", "when"),
    [
        # the weekday written picks the month, or the year a typo got wrong; a wrong one cannot be read
        ("※ 이 자료는 12일(금) 12:00 이후 보도", datetime(2025, 12, 12, 12, tzinfo=SEOUL)),  # not the 12th passed
        ("※ 이 자료는 2026. 11. 27.(목) 12:00 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(금) 12:00 이후 보도", None),
        # a time alone that has passed is the next day's
        ("※ 이 자료는 06:00 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        ("※ 이 자료는 11:00 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 26, 11, tzinfo=SEOUL)),
        # hours in words; another country's time named by its city; an event's end
        ("※ 이 자료는 11월 27일(목) 오후 세 시 이후 보도", datetime(2025, 11, 27, 15, tzinfo=SEOUL)),
        ("※ 이 자료는 파리 시간 11월 27일(목) 10:00 이후 보도", None),
        ("※ 이 자료는 장관 브리핑(11. 27. 10:00) 종료 후 보도하여 주시기 바랍니다.", None),
        # the internet's time, wherever its medium is named
        ("※ 이 자료는 11. 27.(목) 12:00(인터넷 18:00) 이후 보도", datetime(2025, 11, 27, 18, tzinfo=SEOUL)),
        ("※ 엠바고: 11. 28.(금) 조간 (지면), 11. 27.(목) 18:00 (온라인)", datetime(2025, 11, 27, 18, tzinfo=SEOUL)),
        ("※ 엠바고: 11. 27.(목) 방송 10:00, 인터넷 12:00", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        (
            "※ 방송·통신은 11. 27.(목) 12:00 이후, 인터넷·신문은 11. 28.(금) 06:00 이후 보도 가능",
            datetime(2025, 11, 28, 6, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 11. 27.(목) 12:00 이후 보도하여 주시기 바랍니다. ※ 단, 인터넷은 11. 27.(목) 18:00 이후 게재"
            " 바랍니다.",
            datetime(2025, 11, 27, 18, tzinfo=SEOUL),
        ),
        # what dates another thing does not count: a law in force, a briefing, the handout
        (
            "※ 12월 1일(월)부터 시행되는 내용으로 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        ("※ 엠바고: 11. 27.(목) 12:00 (12월 1일부터 접수)", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        (
            "※ 이 자료는 11월 27일(목) 06:00 이후 보도하여 주시기 바랍니다. (통계 공표 11. 27.(목) 12:00)",
            datetime(2025, 11, 27, 6, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 11. 27.(목) 10:00 배포, 같은 날 12:00 이후 보도하여 주시기 바랍니다.",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 11. 27.(목) 10:00 배포 즉시 보도 가능합니다.", datetime(2025, 11, 27, 10, tzinfo=SEOUL)),
        # the second attack's: a weekday typo is no day a year past; online events are not the internet's
        # clause; another zone's time beside Korea's; 익일 after the handout's day; an event's start
        ("※ 이 자료는 11월 27일(수) 12:00 이후 보도하여 주시기 바랍니다.", None),
        ("※ 이 자료는 2024. 11. 27.(수) 12:00 이후 보도하여 주시기 바랍니다.", None),
        (
            "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다(온라인 기자설명회: 11. 27.(목) 10:00).",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 11. 27.(목) 12:00 이후 보도하여 주시기 바랍니다(인터넷으로 사전 배포 11. 26.(수) 14:00).",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 한국시간 11월 28일(금) 00:00(현지시간 27일 10:00) 이후 보도하여 주시기 바랍니다(인터넷 포함).",
            datetime(2025, 11, 28, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 11월 27일(목) 10:00(ET) 이후 보도하여 주시기 바랍니다.", None),
        ("※ 이 자료는 뉴욕 현지 11월 27일(목) 10:00 이후 보도하여 주시기 바랍니다.", None),
        (
            "※ 이 자료는 11. 26.(수) 14:00 배포, 익일 06:00 이후 보도하여 주시기 바랍니다.",
            datetime(2025, 11, 27, 6, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 11. 27.(목) 10:00 위원회 의결 뒤 보도하여 주시기 바랍니다.", None),
        ("※ 이 자료는 장관 브리핑(10:00) 이후 보도하여 주시기 바랍니다.", None),
        (
            "※ 이 자료는 11. 28.(금) 조간부터 보도하여 주시기 바랍니다. 인터넷은 11. 27.(목) 12:00 이후",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        # a review's: the medium before a day is that day's clause, with or without a separator; a weekday
        # that fits only a day past is no day
        ("신문 11. 28.(금) 조간 방송·인터넷 11. 27.(목) 12:00 이후", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        (
            "※ 이 자료는 11. 28.(금) 조간용 / ※ 방송·인터넷은 11. 27.(목) 12:00 이후",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 25일(화) 06:00 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 25, 6, tzinfo=SEOUL)),
        ("※ 이 자료는 12일(일) 06:00 이후 보도하여 주시기 바랍니다.", None),  # not October's Sunday
        # the third attack's: a handout's or a two-medium event's time is no portal's; "동일" names none; a
        # duration is no time; "다만," is a proviso too; a compact date; hours in two words
        (
            "※ 이 자료는 11. 27.(목) 12:00 이후 보도하여 주시기 바랍니다(인터넷 게재용 사진은 11. 26.(수) 14:00 배포)",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        (
            "※ 엠바고: 11. 27.(목) 12:00 (온라인·오프라인 병행 설명회 11. 27.(목) 10:00)",
            datetime(2025, 11, 27, 12, tzinfo=SEOUL),
        ),
        (
            "※ 신문은 11. 28.(금) 조간, 방송은 11. 27.(목) 18:00 이후 보도 바랍니다(인터넷은 신문과 동일)",
            datetime(2025, 11, 28, 6, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 11. 27.(목) 06:00 이후 보도하여 주시기 바랍니다. 다만, 인터넷은 09:00 이후 게재 가능합니다.",
            datetime(2025, 11, 27, 9, tzinfo=SEOUL),
        ),
        ("※ 이 자료는 11. 27.(목) 12:00 이후 보도하여 주시기 바랍니다. 단, 인터넷 게재는 1시간 후부터", None),
        ("※ 이 자료는 20251127 12:00 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("엠바고 : 20251127 1200", None),  # a time without its colon: not the day's start
        ("※ 이 자료는 2025. 11. 27.(목) 1200 이후 보도", None),
        ("※ 이 자료는 11월 27일(목) 오후 열 두 시 이후 보도", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        # …and ordinary notices it turned into drafts: the lifting, the hour's "경", "국내 시간"
        ("※ 11. 27.(목) 12:00 엠바고 해제 후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(목) 12시경 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(목) 12:00 국내 시간 이후 보도 가능", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
    ],
)
def test_an_embargo_notice_is_read_never_early(notice: str, when: datetime | None) -> None:
    """A reviewer's wordings, each read early (or not at all) before: the release went out too soon."""
    assert notice_embargo(notice, datetime(2025, 11, 26, 10, tzinfo=SEOUL), SEOUL) == when


@pytest.mark.parametrize(
    ("notice", "near", "when"),
    [
        (
            "※ 이 자료는 1월 2일 06:00 이후 보도",
            datetime(2025, 12, 30, 10, tzinfo=SEOUL),
            datetime(2026, 1, 2, 6, tzinfo=SEOUL),
        ),
        # last year's template in January: the day meant is this year's
        (
            "※ 이 자료는 2025. 1. 5.(월) 12:00 이후 보도",
            datetime(2026, 1, 2, 10, tzinfo=SEOUL),
            datetime(2026, 1, 5, 12, tzinfo=SEOUL),
        ),
        (
            "※ 이 자료는 12월 31일(수) 24:00 이후 보도",
            datetime(2025, 12, 31, 10, tzinfo=SEOUL),
            datetime(2026, 1, 1, tzinfo=SEOUL),
        ),
    ],
)
def test_an_embargo_notice_across_the_new_year(notice: str, near: datetime, when: datetime) -> None:
    assert notice_embargo(notice, near, SEOUL) == when


@pytest.mark.parametrize(
    ("line", "when"),
    [
        ("※ 엠바고(11월 27일 12:00) 준수 바랍니다", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("보도자료 엠바고(11. 27.(목) 12:00) 엄수 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("엠바고 엄수 : 11월 27일(목) 12:00", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 11월 27일(목) 12시 엠바고 준수 바랍니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("2025. 11. 27.(목) 12:00 보도자료", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일(목) 11:00 보도자료입니다.", datetime(2025, 11, 27, 11, tzinfo=SEOUL)),
        ("※ 보도시 11월 27일(목) 12시 이후로 부탁드립니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 보도 시 11월 27일(목) 12:00 이후에 부탁드립니다.", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 보도 시 내일 조간부터 부탁드립니다.", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        # the handout's time, then the press's
        ("배포 : 11. 26.(수) 14:00 / 보도 : 11. 27.(목) 12:00", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("배포: 2025. 11. 26.(수) / 보도: 2025. 11. 27.(목) 조간", datetime(2025, 11, 27, 6, tzinfo=SEOUL)),
        # hanja weekdays, checked as Hangul ones are; "p.m." inside the notice's sentence
        ("보도일시: 11. 27.(木) 12:00", datetime(2025, 11, 27, 12, tzinfo=SEOUL)),
        ("※ 이 자료는 11. 27.(金) 12:00 이후 보도하여 주시기 바랍니다.", None),
        ("※ 이 자료는 11. 27.(목) 06:30 p.m. 이후 보도 바랍니다.", datetime(2025, 11, 27, 18, 30, tzinfo=SEOUL)),
        ("※ 이 자료는 11월 27일 3 p.m. 이후 보도하여 주시기 바랍니다.", datetime(2025, 11, 27, 15, tzinfo=SEOUL)),
    ],
)
def test_more_notices_as_agencies_write_them(line: str, when: datetime | None) -> None:
    """Each of these was left in the body, holding nothing: the release went out at once."""
    body, said = split_embargo_notice(sanitize_html(f"<p>{line}</p><p>본문.</p>", BASE))
    assert (body, said) == ("<p>본문.</p>", line)
    assert notice_embargo(said, datetime(2025, 11, 26, 10, tzinfo=SEOUL), SEOUL) == when


@pytest.mark.parametrize(
    "first_line",
    [
        "배포 : 홍보담당관실",
        "배포: 12월 1일(월) 예정",
        "보도시 개인정보 노출에 유의해 주시기 바랍니다.",
        "보도 시 11월 27일 사고 관련 실명 보도를 자제해 주시기 바랍니다.",
        "11월 27일 14시 보도자료 배포 예정",
        "정부는 11월 27일 12:00 보도자료를 통해 밝혔다.",
        "엠바고(보도유예) 제도를 준수해 주시기 바랍니다.",
        "엠바고 엄수 요청에 따라 12월 1일 공개합니다.",
        "11월 27일 보도자료",  # the release's own date: nothing to hold
        # a reviewer's: guidance for reporting, with a number but no day or clock
        "※ 보도 시 피해자 2차 피해 방지를 위해 익명 처리 후 부탁드립니다.",
        "보도시 10세 미만 아동 얼굴은 모자이크 처리 후 가능합니다.",
        "보도 시 5개 기관 명칭 확인 후 부탁드립니다.",
    ],
)
def test_lines_shaped_like_those_notices_stay(first_line: str) -> None:
    body = sanitize_html(f"<p>{first_line}</p><p>본문.</p>", BASE)
    assert split_embargo_notice(body) == (body, "")


@pytest.mark.parametrize(
    "digits",
    ["٠١٢٣٤٥٦٧٨٩", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡"],
    ids=["arabic-indic", "mathematical-bold", "double-struck"],
)
def test_a_notice_its_patterns_read_in_other_digits_is_still_split_off(digits: str) -> None:
    """An attack's: the patterns' \\d reads any script's digits, so a notice written in them (a styled copy,
    a word processor's export) is split off and holds the release. The str search that first stood in for
    "\\d" looked for ASCII and full-width digits only: the notice stayed in the body, and the release went out
    before its embargo."""
    notice = "※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다."
    line = notice.translate(str.maketrans("0123456789", digits))
    body = sanitize_html(f"<p>{line}</p><p>본문.</p>", BASE)
    assert split_embargo_notice(body) == (sanitize_html("<p>본문.</p>", BASE), line)


# -- the title a release's page opens with ---------------------------------------------------------------

TITLE = "연근해 어선 안전장비 보급 확대…겨울철 해양사고 예방 총력"
TEXT = "<p>해양수산부는 겨울철 해양사고를 줄이기 위해 연근해 어선 3천 척에 구명조끼와 위치발신장치를 보급한다.</p>"


@pytest.mark.parametrize(
    "opening",
    [
        f"<h2>[보도자료] {TITLE}</h2>",  # a board's heading, its label before it
        f'<p class="sub_title"></p><h3>보도자료</h3><div class="board_view"><h4 class="view_title">{TITLE}</h4>',
        f"<h2>{TITLE} - 3천 척에 구명조끼·위치발신장치 -</h2>",  # with the subtitle the item's title lacks
        "<h2>연근해 어선 안전장비 보급 확대</h2>",  # less of it: the item's title has the rest
        f"<p>{TITLE}</p>",  # the title alone, in a paragraph
    ],
)
def test_a_page_opening_with_the_releases_title_loses_it(opening: str) -> None:
    body = sanitize_html(opening + TEXT + ("</div>" if "board_view" in opening else ""), "https://www.mof.go.kr/")
    kept = drop_title_lines(body, TITLE)
    assert kept != body and kept.endswith(body[body.index("<p>해양수산부는") :])
    assert markup_text(kept).startswith("해양수산부는")


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        ("<p>연근해 어선 안전장비 보급 확대를 위해 해양수산부가 나섰다.</p>", TITLE),  # a lead sentence, not a heading
        ("<h2>해양수산부</h2>", TITLE),  # a heading with less than a title's letters
        ("<h3>보도자료</h3><h2>다른 보도자료의 제목입니다 정말로</h2>", TITLE),  # a label, then another title
        ("<h2>인사</h2>", "인사"),  # a title too short to tell: the text may open with it
        ("<h2>[사진] 연근해 어선 안전장비 보급 확대</h2>", TITLE),  # a heading labelled as another item
    ],
)
def test_a_page_whose_opening_is_not_the_title_keeps_it(opening: str, title: str) -> None:
    body = sanitize_html(opening + TEXT, "https://www.mof.go.kr/")
    assert drop_title_lines(body, title) == body


@pytest.mark.parametrize("body", [f"<p>{TITLE}</p>", f"<h3>보도자료</h3><h2>[보도자료] {TITLE}</h2>"])
def test_a_body_that_is_the_title_alone_keeps_it(body: str) -> None:
    """A review's: many boards give the title as the description; cut, the item had no text and was held, and
    a release readers had went out of the feeds as a draft."""
    assert drop_title_lines(body, TITLE) == body
