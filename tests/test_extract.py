"""Release pages → main text, files and title (pressfeed.ingest.extract).

The pages in tests/pages are hand-made after Korean ministry boards: site
chrome (menus, search, breadcrumb, related and most-read boxes, quick links,
footer), EUC-KR/CP949 bytes, relative links, download links without an
extension. Each test reads the bytes as a fetcher would hand them over.
"""

from __future__ import annotations

import pickle
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pressfeed.ingest.extract import (
    MAX_AUTO_ELEMENTS,
    ExtractedPage,
    InvalidSelectorError,
    NoTextError,
    NotHTMLError,
    SelectorError,
    check_selector,
    decode_html,
    extract_page,
)
from pressfeed.ingest.parse import to_utf8
from pressfeed.model import Attachment
from pressfeed.sanitize import MAX_ATTRIBUTES, SANITIZED_ATTRIBUTES, sanitize_html

PAGES = Path(__file__).parent / "pages"
HTML_UTF8 = "text/html;charset=UTF-8"

MOFE_URL = "https://www.mofe.go.kr/nw/press/view.do?bbsId=MOSFBBS_000000000028&nttId=12345"
MOF_URL = "https://www.mof.go.kr/doc/ko/selectDoc.do?docSeq=51234&menuSeq=971&bbsSeq=10"
MOLIT_URL = "https://www.molit.go.kr/USR/NEWS/m_71/dtl.jsp?lcmspage=1&id=95090123"
MCST_URL = "http://www.mcst.go.kr/kor/s_notice/press/pressView.jsp?pSeq=21234"
MSIT_URL = "https://www.msit.go.kr/bbs/view.do?sCode=user&mId=307&bbsSeqNo=94&nttSeqNo=3185555"

MOFE_PARAGRAPHS = [
    "2026년 예산안에 1조 2,400억원 반영, 지원 인원 15만명으로 확대",
    "재정경제부는 11월 7일 정부세종청사에서 관계부처 합동으로",
    "청년 고용률이 다섯 달째 하락하는 가운데",
    "7일 정부세종청사에서 열린 관계부처 합동 브리핑에서",
    "최대 720만원의 근속 인센티브를 지급하고",
    "지원 요건도 완화된다.",
    "현장의 목소리를 반영해 제도를 보완하겠다",
]
#: menu words, search box, breadcrumb, related and most-read titles, quick links, footer, scripts
MOFE_CHROME = [
    "주메뉴 바로가기",
    "공식 전자정부 누리집",
    "사이트맵",
    "인기검색어",
    "검색어를 입력하세요",
    "경제정책방향",
    "국제금융",
    "설명·해명자료",
    "포토뉴스",
    "관련뉴스",
    "청년 맞춤형 일자리 지원 로드맵 발표",
    "고용보험 기금 운용계획 변경안",
    "많이 본 뉴스",
    "국고채 발행계획 발표",
    "QUICK MENU",
    "정보공개청구",
    "한누리대로 2100",
    "044-215-2114",
    "개인정보처리방침",
    "MINISTRY OF FINANCE AND ECONOMY",
    "만족하십니까",
    "URL복사",
    "이전글",
    "제3차 물가관계차관회의",
    "fn_search",
    "googletagmanager",
    "margin:0",
]


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def mofe(**kwargs: object) -> ExtractedPage:
    return extract_page(page("mofe_board_view.html"), url=MOFE_URL, content_type=HTML_UTF8, **kwargs)  # type: ignore[arg-type]


def assert_in_order(text: str, pieces: list[str]) -> None:
    positions = [text.find(piece) for piece in pieces]
    assert -1 not in positions, [p for p, i in zip(pieces, positions, strict=True) if i < 0]
    assert positions == sorted(positions)


def assert_absent(text: str, pieces: list[str]) -> None:
    assert [p for p in pieces if p in text] == []


def wrap(body: str, head: str = "") -> bytes:
    """A small UTF-8 page around `body`, with enough release text to pass the length check."""
    filler = "<p>" + "정부는 이번 대책으로 지역 일자리를 늘리고 청년의 첫 취업을 돕는다. " * 10 + "</p>"
    return f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}{filler}</body></html>'.encode()


# -- automatic extraction on a board view with heavy chrome ----------------------------------


def test_auto_keeps_the_release_paragraphs_in_order() -> None:
    result = mofe()
    assert_in_order(result.text, MOFE_PARAGRAPHS)
    assert_in_order(result.body_html, MOFE_PARAGRAPHS)
    assert result.body_html.count("<p") >= len(MOFE_PARAGRAPHS)


def test_auto_drops_menus_search_related_boxes_footer_and_scripts() -> None:
    result = mofe()
    assert_absent(result.text, MOFE_CHROME)
    assert_absent(result.body_html, MOFE_CHROME)
    assert "<script" not in result.body_html and "<style" not in result.body_html


def test_auto_keeps_the_photo_with_an_absolute_url() -> None:
    result = mofe()
    photo = "https://www.mofe.go.kr/upload/photo/2025/11/20251107_youth_01.jpg"
    assert f'src="{photo}"' in result.body_html
    assert "관계부처 합동 브리핑 모습" in result.body_html  # its alt text


def test_sanitized_body_keeps_paragraphs_and_the_photo_and_nothing_else() -> None:
    result = mofe()
    clean = sanitize_html(result.body_html, result.base_url)
    assert_in_order(clean, MOFE_PARAGRAPHS)
    assert '<img src="https://www.mofe.go.kr/upload/photo/2025/11/20251107_youth_01.jpg"' in clean
    assert_absent(clean, MOFE_CHROME)
    assert "<script" not in clean and "class=" not in clean
    assert re.match(r"<div>\s*<p>- 2026년 예산안에", clean)  # the text's own container, then the release


def test_title_comes_from_og_title() -> None:
    assert mofe().title == "청년 일자리 도약 장려금, 내년부터 비수도권 중소기업까지 넓힌다"


def test_title_from_og_title_under_name_then_from_the_title_element() -> None:
    head = '<meta name="og:title" content="  해양 안전 대책 \n 발표 "><title>해양수산부</title>'
    assert extract_page(wrap("", head), url=MOF_URL).title == "해양 안전 대책 발표"
    assert (
        extract_page(wrap("", "<title> 해양수산부 &gt;\n 보도자료 </title>"), url=MOF_URL).title
        == "해양수산부 > 보도자료"
    )
    assert extract_page(wrap(""), url=MOF_URL).title == ""


def test_text_has_one_line_per_block() -> None:
    lines = mofe().text.split("\n")
    assert lines[0] == "- 2026년 예산안에 1조 2,400억원 반영, 지원 인원 15만명으로 확대 -"
    assert lines[1] == "- 비수도권 기업 채용 청년에게는 근속 인센티브 최대 720만원 -"  # after a <br>
    assert lines[-1] == "담당 : 경제정책국 인력정책과 사무관 김○○(044-215-0000)"


# -- attachments -----------------------------------------------------------------------------------


def test_attachments_from_the_file_list_with_names_types_and_absolute_urls() -> None:
    download = "https://www.mofe.go.kr/com/fileDownload.do?atchFileId=FILE_000000000458121&fileSn="
    assert mofe().attachments == (
        Attachment(download + "1", "application/hwp+zip", 0, "1107(조간) 청년 일자리 도약 장려금 지원 확대 방안.hwpx"),
        Attachment(download + "2", "application/pdf", 0, "1107(조간) 청년 일자리 도약 장려금 지원 확대 방안.pdf"),
        # "다운로드" button: the name is in the list item beside it
        Attachment(
            download + "3",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            0,
            "[붙임] 시·도별 지원 인원 현황.xlsx",
        ),
    )


def test_file_behind_a_script_call_with_ids_only_is_reported_not_guessed() -> None:
    # fn_fileDown('FILE_…','4') posts a hidden form: no URL to publish
    assert mofe().unresolved_files == ("[참고] 사업 안내 리플릿.hwp",)


def test_chrome_pdfs_and_preview_links_are_not_attachments() -> None:
    urls = [a.url for a in mofe().attachments]
    assert not any("privacy_policy" in u or "web_accessibility" in u or "docViewer" in u for u in urls)


def test_selector_does_not_limit_where_files_are_found() -> None:
    # the file list sits beside the text container, not in it
    assert mofe(selector="div.bd_view_cont").attachments == mofe().attachments


# -- the selector ----------------------------------------------------------------------------------

MOLIT_RELEASE = ["광역버스 노선 12개를 새로 운행한다", "21분에서 12분으로 줄어들 것", "출근 맞춤버스도 9개 노선에서"]
MOLIT_FAQ = ["자주 묻는 질문", "전세사기", "청년 월세 지원", "민원콜센터"]


def test_selector_takes_the_container_the_site_uses() -> None:
    result = extract_page(page("molit_selector.html"), url=MOLIT_URL, selector="div.bd_view_cont")
    assert_in_order(result.text, MOLIT_RELEASE)
    assert_absent(result.text, [*MOLIT_FAQ, "정책자료", "도움6로", "수도권 광역버스 출퇴근 노선 12개 신설"])
    # the container's inner HTML: its own <div class="bd_view_cont"> is not part of the body
    assert result.body_html.startswith('<div style="font-family')
    assert "bd_view_cont" not in result.body_html
    assert result.attachments == (
        Attachment(
            "https://www.molit.go.kr/LCMS/DWN.jsp?fold=/koreaNews/&fileName="
            "%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C%281106%29.hwpx",
            "application/hwp+zip",
            0,
            "보도자료(1106).hwpx",
        ),
    )


def test_selector_matching_nothing_says_so() -> None:
    with pytest.raises(SelectorError) as caught:
        extract_page(page("molit_selector.html"), url=MOLIT_URL, selector="div.view_con")
    assert str(caught.value) == f"{MOLIT_URL}: selector 'div.view_con' matched nothing on {MOLIT_URL}"
    assert caught.value.selector == "div.view_con"
    assert not isinstance(caught.value, InvalidSelectorError)


@pytest.mark.parametrize("selector", ["div..bd_view_cont", "div[", "p:nth-child(", "div >"])
def test_invalid_selector_is_a_config_error(selector: str) -> None:
    with pytest.raises(InvalidSelectorError, match=re.escape(f"invalid CSS selector {selector!r}")):
        check_selector(selector)
    with pytest.raises(InvalidSelectorError):
        extract_page(page("molit_selector.html"), url=MOLIT_URL, selector=selector)


@pytest.mark.parametrize("selector", ["div.bd_view_cont", "#contents .board_view > div", "td.viewContent", "article p"])
def test_valid_selectors_pass_the_check(selector: str) -> None:
    check_selector(selector)


def test_selector_check_message_names_the_selector_only() -> None:
    with pytest.raises(InvalidSelectorError) as caught:
        check_selector("div.bd_view_cont >")
    assert str(caught.value).startswith("invalid CSS selector 'div.bd_view_cont >': ")


def test_selector_element_names_are_case_insensitive_as_in_html() -> None:
    result = extract_page(page("molit_selector.html"), url=MOLIT_URL, selector="DIV.bd_view_cont")
    assert_in_order(result.text, MOLIT_RELEASE)


def test_selector_on_a_block_with_too_little_text_hints_at_a_layout_change() -> None:
    with pytest.raises(NoTextError, match=r"in 'div.bd_view_tit': an error page, or has the site changed its layout"):
        extract_page(page("molit_selector.html"), url=MOLIT_URL, selector="div.bd_view_tit")


def test_selector_matching_several_blocks_takes_each_outermost_once() -> None:
    # "p" also matches inside ".view_cont p" matches: every paragraph once, in order
    result = mofe(selector="div.bd_view_cont p, div.bd_view_cont, div.bd_view_cont p.caption")
    assert_in_order(result.text, MOFE_PARAGRAPHS)
    assert result.text.count("지원 요건도 완화된다") == 1
    paragraphs = mofe(selector="div.bd_view_cont > p")
    assert_in_order(paragraphs.body_html, MOFE_PARAGRAPHS)
    assert paragraphs.body_html.startswith('<p class="sub_tit">')


def test_selector_container_loses_scripts_styles_navigation_and_controls() -> None:
    body = """<div class="view_cont">
        <script>var tracking = 1;</script><style>.x{color:red}</style>
        <nav class="sns"><a href="#">페이스북</a></nav>
        <p>본문 첫 문단입니다.</p>
        <div role="navigation"><a href="/prev">이전 보도자료</a></div>
        <form name="bbsForm"><input type="hidden" name="nttId" value="1"><button>인쇄</button>
        <p>양식 안에 든 본문 둘째 문단입니다.</p></form>
        <p hidden>숨은 문단</p><p style="display: none">안 보이는 문단</p>
        <p STYLE="DISPLAY:NONE">옛 누리집의 숨은 문단</p><div style="visibility: hidden">보이지 않는 상자</div>
        <span aria-hidden="true">장식 글자</span><span class="blind">화면낭독용 안내</span>
    </div>"""
    result = extract_page(wrap(body), url=MOFE_URL, selector="div.view_cont", min_chars=10)
    assert result.text == "본문 첫 문단입니다.\n양식 안에 든 본문 둘째 문단입니다."
    hidden = ["옛 누리집", "보이지 않는", "장식 글자", "화면낭독용"]  # an attack's: upper case, and text no one sees
    assert_absent(
        result.body_html,
        ["tracking", "color:red", "페이스북", "이전 보도자료", "<input", "인쇄", "숨은", "안 보이는", *hidden],
    )


def test_a_selector_around_the_whole_view_leaves_out_the_boards_other_releases() -> None:
    """An attack's: an operator's `div.board_view` (the title, the text and the board's "이전글 / 다음글" rows)
    published other releases' titles and the list button as this release's last lines."""
    result = mofe(selector="div.board_view")
    assert "정부세종청사" in result.text
    assert_absent(result.text, ["이전글", "다음글", "2025년 10월 재정동향 발표", "제3차 물가관계차관회의", "목록"])
    # and the view's breadcrumb and print strip, named as the page's chrome (a review's: kept for a while)
    strip = '<div class="location">홈 &gt; 보도자료</div><div class="view_util"><a href="#p">인쇄하기</a></div>'
    page = f'<div class="bd_view">{strip}<div class="view_cont"><p>본문 첫 문단입니다.</p></div></div>'
    assert extract_page(wrap(page), url=MOFE_URL, selector="div.bd_view", min_chars=5).text == "본문 첫 문단입니다."


@pytest.mark.parametrize(
    "row",
    [
        '<ul class="view_list"><li>이전글 <a href="/v?id=1">다른 보도자료 제목</a></li></ul>',
        '<table><tr><th>다음 글</th><td><a href="/v?id=2">다른 보도자료 제목</a></td></tr></table>',
        "<dl><dt>윗글</dt><dd>윗글이 없습니다.</dd></dl>",
    ],
)
def test_prev_next_rows_are_never_release_text(row: str) -> None:
    body = f'<div class="view"><p>본문 첫 문단입니다.</p>{row}</div>'
    result = extract_page(wrap(body), url=MOFE_URL, selector="div.view", min_chars=5)
    assert result.text == "본문 첫 문단입니다."


def test_a_release_row_or_line_named_like_site_chrome_stays_in_the_text() -> None:
    """A review's: inside the container, a table's <tr class="header"> and a photo credit's <p class="copyright">
    were dropped as the page's header and copyright footer."""
    table = (
        '<table class="tbl"><tr class="header"><th>구분</th><th>2024년</th><th>2025년</th></tr>'
        "<tr><td>청년 고용률</td><td>45.1%</td><td>46.3%</td></tr></table>"
        '<p class="copyright">사진 제공: 고용노동부</p>'
    )
    result = extract_page(wrap(f'<div class="view">{table}</div>'), url=MOFE_URL, selector="div.view", min_chars=5)
    assert "구분" in result.text and "사진 제공: 고용노동부" in result.text


def test_download_links_in_button_boxes_are_still_attachments() -> None:
    """A review's: "btn" counted as site chrome for every link, and a board's download buttons were lost."""
    files = (
        '<ul class="file_list"><li><span class="name">보도자료.hwpx</span> <span class="btn_box">'
        '<a href="/com/fileDownload.do?id=1">다운로드</a></span></li>'
        '<li><div class="btn_wrap"><a href="/com/fileDownload.do?id=2">참고자료.pdf</a></div></li></ul>'
    )
    result = extract_page(wrap(files), url=MOFE_URL)
    assert [a.title for a in result.attachments] == ["보도자료.hwpx", "참고자료.pdf"]


def test_a_wrapper_that_opens_with_the_prev_next_rows_keeps_the_release() -> None:
    """A review's: the first pieces of a wrapper's text, the rows then the release's first line, came to 299
    characters joined; read as the whole text, it was taken for a prev/next row, and the release with it."""
    titles = (
        "기획재정부, 2026년 하반기 경제정책방향 관계부처 합동 브리핑 개최 및 주요 과제 발표 — 민생 안정과 역동 경제를"
        " 위한 구조개혁, 청년·소상공인 지원 확대, 지역 균형발전 방안 포함",
        "기획재정부 제1차관, 청년 일자리 도약 장려금 현장 간담회 주재 — 중소기업 인력난 해소와 청년 고용 확대를 위한"
        " 지원 요건 완화, 신청 절차 간소화 방안 논의, 현장 의견 수렴",
    )
    rows = "".join(
        f"<dt>{label}</dt><dd><a href='/v'>{title}</a></dd>"
        for label, title in zip(("이전글", "다음글"), titles, strict=True)
    )
    rows = f"<dl>{rows}</dl>"
    lead = "가" * (299 - sum(len(t) + 1 for t in ("이전글", titles[0], "다음글", titles[1])))
    body = f"<p>{lead}</p><p>" + "정부는 이번 대책으로 지역 일자리를 늘리고 청년의 첫 취업을 돕는다. " * 12 + "</p>"
    result = extract_page(
        wrap(f'<div class="view"><div class="wrap">{rows}{body}</div></div>'), url=MOFE_URL, selector="div.view"
    )
    assert "지역 일자리" in result.text and "이전글" not in result.text


def test_a_sentence_that_starts_like_a_prev_next_label_stays() -> None:
    body = (
        '<div class="view"><p>다음 글은 <a href="/speech">장관 연설문</a> 전문이며, 원문은 누리집에 있습니다.</p></div>'
    )
    result = extract_page(wrap(body), url=MOFE_URL, selector="div.view", min_chars=10)
    assert result.text.startswith("다음 글은 장관 연설문 전문이며")


@pytest.mark.parametrize("selector", [None, "td.view"])
def test_text_nested_past_the_parsers_depth_is_all_kept(selector: str | None) -> None:
    """An attack's: an HWP conversion that opens a <font> per line and closes none lost every line after its
    250th (libxml2 builds 256 levels, silently), and the run published the cut text without a word."""
    lines = "".join(f"<font face='굴림'>{i}번째 줄 보도자료 본문입니다<br>" for i in range(300))
    page = f"<html><body><table><tr><td class=view>{lines}끝. 문의 02-123-4567</td></tr></table></body></html>"
    result = extract_page(page.encode(), url=MOFE_URL, content_type=HTML_UTF8, selector=selector)
    assert "299번째 줄" in result.text and result.text.rstrip().endswith("끝. 문의 02-123-4567")


def test_text_inside_hundreds_of_nested_blocks_is_found() -> None:
    text = "가나다라 마바사 아자차 " * 40
    page = "<html><body>" + "<div>" * 260 + f"<p>{text}</p>" + "</div>" * 260 + "</body></html>"
    result = extract_page(page.encode(), url=MOFE_URL, content_type=HTML_UTF8)
    assert result.text.strip() == text.strip()


# -- encodings -------------------------------------------------------------------------------------


def test_euc_kr_page_declared_only_in_meta() -> None:
    raw = page("mof_euckr_meta.html")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = extract_page(raw, url=MOF_URL, content_type="text/html")  # no charset from the server
    assert result.encoding == "cp949"
    assert_in_order(
        result.text,
        [
            "「겨울철 해양사고 예방 집중 관리 기간」으로 정하고",
            "연평균 610건으로",
            "○ 아울러 지방해양수산청과 해양경찰은 출항 전 기관ㆍ전기설비 점검을",
            "※ 자세한 지원 대상과 신청 방법은 붙임 자료를 참고하시기 바랍니다.",
        ],
    )
    assert_absent(result.text, ["본문바로가기", "민원·참여", "다솜2로", "All rights reserved"])
    assert result.title == "해양수산부 > 알림·뉴스 > 보도자료"
    assert result.attachments == (
        Attachment(
            "https://www.mof.go.kr/cmm/fms/FileDown.do?atchFileId=FILE_000000000091874&fileSn=0",
            "application/x-hwp",
            0,
            "1106 겨울철 어선사고 예방대책(보도자료).hwp",
        ),
    )


def test_cp949_syllables_under_an_euc_kr_label_from_the_server() -> None:
    raw = page("mcst_table_cp949.html")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("euc-kr")  # 똠 is outside EUC-KR: only CP949 has it
    text, encoding = decode_html(raw, "text/html; charset=euc-kr")
    assert encoding == "cp949" and "소설 『똠방각하』를 원작으로" in text


def test_undeclared_korean_page_falls_back_to_cp949() -> None:
    text, encoding = decode_html(page("mcst_table_cp949.html"), "")
    assert encoding == "cp949" and "『똠방각하』" in text


UTF8_HANGUL = "보도".encode()  # these six bytes are valid CP949 too: "蹂대룄"


def test_http_charset_beats_the_meta_charset() -> None:
    raw = b'<html><head><meta charset="utf-8"></head><body>' + UTF8_HANGUL + b"</body></html>"
    assert decode_html(raw, "text/html")[0].endswith("<body>보도</body></html>")
    text, encoding = decode_html(raw, "text/html; charset=euc-kr")
    assert encoding == "cp949" and text.endswith("<body>蹂대룄</body></html>")  # what a browser shows too


def test_bom_beats_the_http_charset() -> None:
    raw = b"\xef\xbb\xbf<html><body>" + UTF8_HANGUL + b"</body></html>"
    assert decode_html(raw, "text/html; charset=euc-kr") == ("<html><body>보도</body></html>", "utf-8")
    utf16 = "\ufeff<p>한국</p>".encode("utf-16-le")
    assert decode_html(utf16, "text/html; charset=utf-8") == ("<p>한국</p>", "utf-16-le")


def test_meta_inside_a_comment_does_not_count() -> None:
    raw = (
        b'<html><head><!-- <meta charset="utf-8"> old template -->'
        b'<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987"></head><body>'
        + UTF8_HANGUL
        + b"</body></html>"
    )
    assert decode_html(raw)[1] == "cp949"


def test_declared_charset_the_bytes_contradict_is_passed_over() -> None:
    # Tomcat answers charset=UTF-8 for a JSP page written in EUC-KR
    text, encoding = decode_html(page("mof_euckr_meta.html"), HTML_UTF8)
    assert encoding == "cp949" and "겨울철 해양사고 예방" in text


def test_single_byte_label_comes_after_utf8_and_cp949() -> None:
    korean = "<p>해양수산부 보도자료</p>".encode("cp949")
    assert decode_html(korean, "text/html; charset=ISO-8859-1") == ("<p>해양수산부 보도자료</p>", "cp949")
    utf8 = "<p>과학기술정보통신부</p>".encode()
    assert decode_html(utf8, "text/html; charset=windows-1252")[1] == "utf-8"
    # a page really in windows-1252: neither UTF-8 nor CP949 decode it, so its label is used
    latin = "<p>café – 12 € </p>".encode("cp1252")
    assert decode_html(latin, "text/html; charset=iso-8859-1") == ("<p>café – 12 € </p>", "cp1252")


def test_a_korean_page_with_one_character_cut_short_under_a_latin1_label_is_korean() -> None:
    """An attack's: a byte-cut character made CP949 refuse an EUC-KR page served as ISO-8859-1 (Tomcat's default),
    and windows-1252, losing no character, won: the whole release was published as "ÇØ¾ç¼ö»êºÎ´Â…"."""
    korean = "<p>해양수산부는 연안여객선 안전관리를 강화한다. 선박 점검</p>".encode("cp949")
    cut = korean.replace("점검".encode("cp949"), "점".encode("cp949") + "검".encode("cp949")[:1])
    text, codec = decode_html(cut, "text/html; charset=ISO-8859-1")
    assert codec == "cp949" and text.startswith("<p>해양수산부는 연안여객선 안전관리를 강화한다. 선박 점\ufffd")


def test_an_english_page_with_curly_quotes_under_a_latin1_label_stays_windows_1252() -> None:
    """A review's: a curly quote before a letter ("’s", "“W") is a pair CP949 reads as a syllable; counted as Korean,
    the page came out as "Korea뭩 ministry". EUC-KR's own Hangul pairs decide."""
    text = (
        "<p>Korea’s ministry said it’s ready. “We don’t expect delays,” the minister’s aide said; the country’s"
        " exporters won’t face tariffs. It’s the government’s plan, and Seoul’s, and Busan’s. That’s all.</p>"
    )
    assert decode_html(text.encode("cp1252"), "text/html; charset=ISO-8859-1") == (text, "cp1252")
    assert to_utf8(text.encode("cp1252"), "application/rss+xml; charset=windows-1252").decode() == text


@pytest.mark.parametrize("label", ["ibm866", "cp437", "hp-roman8", "x-mac-cyrillic", "iso-8859-8"])
def test_every_single_byte_label_comes_after_utf8_and_cp949(label: str) -> None:
    """A label outside the common few (IBM866, cp437) was tried first, and it decodes any bytes: a UTF-8 or
    EUC-KR release page came out as box-drawing characters."""
    for raw, codec in (("<p>과학기술정보통신부</p>".encode(), "utf-8"), ("<p>해양수산부</p>".encode("cp949"), "cp949")):
        assert decode_html(raw, f"text/html; charset={label}")[1] == codec
        assert decode_html(f'<meta charset="{label}">'.encode() + raw)[1] == codec
    # a page really in that charset: neither UTF-8 nor CP949 decode it, so its label is used
    russian = "<p>Пресс-релиз министерства</p>".encode("cp866")
    assert decode_html(russian, "text/html; charset=ibm866") == ("<p>Пресс-релиз министерства</p>", "cp866")


@pytest.mark.parametrize("label", ["windows-949", "x-windows-949", "korean", "ksc5601", "EUC-KR"])
def test_every_euc_kr_label_decodes_as_cp949(label: str) -> None:
    raw = f'<meta charset="{label}"><p>'.encode() + "똠방각하".encode("cp949") + b"</p>"
    assert decode_html(raw) == ('<meta charset="' + label + '"><p>똠방각하</p>', "cp949")


def test_meta_declaring_utf16_means_utf8() -> None:
    raw = b'<meta charset="utf-16"><p>' + UTF8_HANGUL + b"</p>"
    assert decode_html(raw) == ('<meta charset="utf-16"><p>보도</p>', "utf-8")


def test_undecodable_bytes_keep_the_encoding_that_loses_least() -> None:
    raw = "<p>과학기술정보통신부 인공지능 반도체</p>".encode() + b"\xff"
    text, encoding = decode_html(raw)
    assert encoding == "utf-8" and text == "<p>과학기술정보통신부 인공지능 반도체</p>\ufffd"


@pytest.mark.parametrize("label", ["hex", "base64", "zlib", "bz2", "rot13", "idna", "undefined"])
def test_a_label_naming_no_charset_is_passed_over(label: str) -> None:
    """A broken JSP template's charset names one of Python's bytes codecs: it was tried last of all
    (nothing else decoded) and raised LookupError, which failed the whole run."""
    raw = "<p>해양수산부 보도자료</p>".encode() + b"\xff\xfe\x80"  # neither UTF-8 nor CP949
    assert decode_html(raw, f"text/html; charset={label}")[1] == "utf-8"
    assert decode_html(f'<meta charset="{label}">'.encode() + raw)[1] == "utf-8"


# -- old table layout --------------------------------------------------------------------------------


def test_table_layout_keeps_the_text_cell_and_drops_the_layout() -> None:
    result = extract_page(page("mcst_table_cp949.html"), url=MCST_URL, content_type="text/html; charset=euc-kr")
    assert_in_order(
        result.text,
        [
            "드라마 원본 테이프 120편의 디지털 복원을 마치고",
            "소설 『똠방각하』를 원작으로",
            "1970년대 방송 원본 80편을",
        ],
    )
    assert len(result.text.split("\n")) == 3  # <br><br> separated paragraphs, one line each
    assert_absent(
        result.text, ["부처소개", "공지사항", "행사안내", "이전글", "국립극장", "갈매로", "Copyright", "저작권보호정책"]
    )
    assert "<tr" not in result.body_html and "<td" not in result.body_html  # the cell became a plain block


def test_base_href_decides_where_relative_links_point() -> None:
    result = extract_page(page("mcst_table_cp949.html"), url=MCST_URL)
    assert result.base_url == "http://www.mcst.go.kr/"
    assert 'src="http://www.mcst.go.kr/upload/press/2025/1105_drama_01.jpg"' in result.body_html
    assert result.attachments == (
        # javascript:downloadFile('/attachFiles/…hwp'): the URL is in the call
        Attachment(
            "http://www.mcst.go.kr/attachFiles/pressfiles/20251105_drama_restore.hwp",
            "application/x-hwp",
            0,
            "1105 방송 드라마 원본 복원(보도자료).hwp",
        ),
        Attachment(
            "http://www.mcst.go.kr/attachFiles/pressfiles/20251105_drama_restore.pdf",
            "application/pdf",
            0,
            "1105 방송 드라마 원본 복원(보도자료).pdf",
        ),
    )
    assert result.title == "문화체육관광부 - 보도자료"


def test_lazy_loading_images_point_from_the_pages_base_too() -> None:
    """An attack's: lxml makes src absolute and not data-src, which was resolved later against the item's link, not
    the page's <base>: the lead picture's URL was a 404."""
    body = '<p><img data-src="photo/a.jpg" src="/img/blank.gif"></p><p><img data-original="./b.jpg"></p>'
    result = extract_page(wrap(body, '<base href="https://www.mof.go.kr/static/board/">'), url=MOF_URL, selector="body")
    assert 'data-src="https://www.mof.go.kr/static/board/photo/a.jpg"' in result.body_html
    assert 'data-original="https://www.mof.go.kr/static/board/b.jpg"' in result.body_html


# -- a body converted from HWP, with a table and a figure --------------------------------------


def test_data_table_figure_and_caption_inside_the_release_are_kept() -> None:
    result = extract_page(page("msit_hwp_body.html"), url=MSIT_URL)
    clean = sanitize_html(result.body_html, result.base_url)
    assert "<table>" in clean and "<caption>연도별 지원 계획</caption>" in clean
    assert "<td>실증 센터(곳)</td><td>12</td><td>18</td>" in clean
    assert '<figure>\n\t\t\t\t<img src="https://www.msit.go.kr/upload/editor/2025/11/04/ai_chip_demo.png"' in clean
    assert "<figcaption>국산 인공지능 반도체를 탑재한 실증 서버" in clean
    assert_in_order(
        result.text, ["총 640억원 지원", "2차 공모를 11월 5일부터", "실증 센터(곳) 12 18", "최대 70%를 지원"]
    )
    assert_absent(
        result.text, ["국민참여", "보도·해명", "관련 정책", "인기 보도자료", "5G 품질평가", "가름로", "dataLayer"]
    )


def test_file_names_from_title_attributes_and_url_paths() -> None:
    download = "https://www.msit.go.kr/bbs/download.do?bbsSeqNo=94&nttSeqNo=3185555&fileSn="
    assert extract_page(page("msit_hwp_body.html"), url=MSIT_URL).attachments == (
        Attachment(download + "1", "application/hwp+zip", 0, "1104 인공지능 반도체 실증 2차 공모(보도자료).hwpx"),
        Attachment(download + "2", "application/pdf", 0, "1104 인공지능 반도체 실증 2차 공모(보도자료).pdf"),
        Attachment(
            "https://www.msit.go.kr/upload/bbs/2025/11/1104_ai_chip_call.zip",
            "application/zip",
            0,
            "1104_ai_chip_call.zip",
        ),
    )


# -- pages without a release -------------------------------------------------------------------------


def test_error_page_with_full_chrome_is_no_text() -> None:
    with pytest.raises(NoTextError, match=r"page has no extractable text \(\d+ characters, at least 200 needed\)"):
        extract_page(page("mofe_error_page.html"), url=MOFE_URL, content_type=HTML_UTF8)


def test_login_page_is_no_text_and_says_login() -> None:
    with pytest.raises(NoTextError, match="password field: a login page"):
        extract_page(page("mofe_login_page.html"), url=MOFE_URL, content_type=HTML_UTF8)


def test_chrome_only_page_has_no_text_even_with_a_selector_for_its_message_box() -> None:
    with pytest.raises(NoTextError, match=re.escape("in 'div.error_wrap'")):
        extract_page(page("mofe_error_page.html"), url=MOFE_URL, selector="div.error_wrap")


def test_min_chars_lets_short_releases_through() -> None:
    body = '<div class="view_cont"><p>장관은 11월 7일 오전 10시 정부세종청사에서 확대간부회의를 주재한다.</p></div>'
    raw = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()
    with pytest.raises(NoTextError):
        extract_page(raw, url=MOFE_URL, selector="div.view_cont")
    result = extract_page(raw, url=MOFE_URL, selector="div.view_cont", min_chars=20)
    assert result.text == "장관은 11월 7일 오전 10시 정부세종청사에서 확대간부회의를 주재한다."


@pytest.mark.parametrize(
    ("name", "content_type", "message"),
    [
        ("release.pdf", "application/pdf", "page is not HTML (Content-Type application/pdf)"),
        ("release.pdf", "text/html", "page is not HTML but a PDF file"),
        ("release.pdf", "application/octet-stream", "page is not HTML but a PDF file"),
        ("api_error.json", "application/json;charset=UTF-8", "page is not HTML (Content-Type application/json)"),
        ("api_error.json", "text/html;charset=UTF-8", "page is not HTML but JSON"),
        ("api_error.json", "", "page is not HTML but JSON"),
        ("api_error.json", "text/plain", "page is not HTML but JSON"),
    ],
)
def test_non_html_bodies_are_refused(name: str, content_type: str, message: str) -> None:
    with pytest.raises(NotHTMLError, match=re.escape(f"{MOFE_URL}: {message}")):
        extract_page(page(name), url=MOFE_URL, content_type=content_type)


def test_a_hostile_content_type_is_quoted_short_and_on_one_line() -> None:
    """The page's server chooses its Content-Type; the message is kept as the page's reason and printed."""
    hostile = "application/x-" + "a" * 50_000 + "\u2028X-Forged: yes"

    with pytest.raises(NotHTMLError) as caught:
        extract_page(page("release.pdf"), url=MOFE_URL, content_type=hostile)

    assert caught.value.message.startswith("page is not HTML (Content-Type application/x-aaaa")
    assert "…): the link may point at the file itself" in caught.value.message
    assert len(caught.value.message) < 300 and caught.value.message.isprintable()


@pytest.mark.parametrize(
    "raw",
    [
        b"PK\x03\x04\x14\x00\x06\x00mimetypeapplication/hwp+zip",  # an HWPX file
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",  # an HWP 5 file
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_file_bytes_are_not_a_page(raw: bytes) -> None:
    with pytest.raises(NotHTMLError, match="the link may point at the file itself"):
        extract_page(raw, url=MOFE_URL, content_type="text/html")


def test_plain_text_without_markup_is_not_html() -> None:
    with pytest.raises(NotHTMLError, match=r"it starts with '잘못된 접근입니다"):
        extract_page("잘못된 접근입니다. 다시 시도해 주세요.".encode(), url=MOFE_URL, content_type="text/plain")


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t ", b"<!-- empty -->"])
def test_empty_page_is_no_text(raw: bytes) -> None:
    with pytest.raises(NoTextError):
        extract_page(raw, url=MOFE_URL, content_type="text/html")


@pytest.mark.parametrize(
    "error",
    [
        NoTextError(MOFE_URL, "page has no extractable text (12 characters, at least 200 needed)"),
        NotHTMLError(MOFE_URL, "page is not HTML but a PDF file: the link may point at the file itself"),
        SelectorError(MOFE_URL, "div.bd_view_cont", "selector 'div.bd_view_cont' matched nothing"),
        InvalidSelectorError("", "div[", "invalid CSS selector 'div['"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_cross_to_the_process_that_asked(error: Exception) -> None:
    """Worker processes send an extraction's error back pickled: one that cannot be unpickled broke the
    whole pool."""
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), str(back), vars(back)) == (type(error), str(error), vars(error))


def test_errors_are_pressfeed_errors_with_the_url() -> None:
    from pressfeed.errors import PressfeedError

    with pytest.raises(PressfeedError) as caught:
        extract_page(page("release.pdf"), url=MOFE_URL)
    assert caught.value.url == MOFE_URL  # type: ignore[attr-defined]


# -- attachments, rule by rule -------------------------------------------------------------------


def files(body: str, url: str = MOFE_URL, head: str = "") -> tuple[list[tuple[str, str, str]], tuple[str, ...]]:
    result = extract_page(wrap(body, head), url=url, content_type=HTML_UTF8)
    return [(a.url, a.type, a.title) for a in result.attachments], result.unresolved_files


def test_extensionless_download_link_named_by_its_text() -> None:
    found, _ = files('<a href="/com/fileDownload.do?fileId=123&amp;fileSn=1">2025년 보도자료.hwpx</a>')
    assert found == [
        (
            "https://www.mofe.go.kr/com/fileDownload.do?fileId=123&fileSn=1",
            "application/hwp+zip",
            "2025년 보도자료.hwpx",
        )
    ]


def test_a_link_of_a_long_text_is_searched_for_its_file_name_in_one_pass() -> None:
    """The name pattern was tried from every character of a link's text and ran to the end of each run of
    name characters: 100,000 characters before a "|" cost minutes, past the page's CPU budget (and every
    link of a page is searched). A name is at most 255 characters, as file systems have them."""
    notice = "재정경제부 보도자료 첨부파일 내려받기 안내 문구입니다 " * 4_000  # 108,000 characters, no file named
    found, _ = files(f'<a href="/com/fileDownload.do?fileId=124">{notice}| 붙임: 2025년 청년 일자리 대책.hwpx</a>')
    assert found == [
        ("https://www.mofe.go.kr/com/fileDownload.do?fileId=124", "application/hwp+zip", "2025년 청년 일자리 대책.hwpx")
    ]


def test_file_size_and_icons_around_the_name_are_left_out() -> None:
    body = '<a href="/down.do?id=7"><img src="/img/ico_pdf.gif" alt="">  붙임1. 세부 추진계획.PDF (1.2MB)</a>'
    assert files(body)[0] == [("https://www.mofe.go.kr/down.do?id=7", "application/pdf", "붙임1. 세부 추진계획.PDF")]


def test_photos_in_the_file_list_are_attachments_by_the_one_table_of_file_types() -> None:
    """A board's photos come as .webp or a phone's .HEIC too: the file list's own table knew jpg, jpeg, png and
    gif, beside normalize's (webp, avif, svg) and the rights' (bmp, tif, heic)."""
    body = """<ul class="file">
        <li><a href="/dn.do?f=1">현장사진1.webp</a></li>
        <li><a href="/dn.do?f=2">현장사진2.HEIC</a></li>
        <li><a href="/dn.do?f=3">현장사진3.jpg</a></li>
    </ul>"""
    found, _ = files(body)
    assert found == [
        ("https://www.mofe.go.kr/dn.do?f=1", "image/webp", "현장사진1.webp"),
        ("https://www.mofe.go.kr/dn.do?f=2", "application/octet-stream", "현장사진2.HEIC"),  # no reader shows one
        ("https://www.mofe.go.kr/dn.do?f=3", "image/jpeg", "현장사진3.jpg"),
    ]


def test_names_from_download_attribute_and_query_values() -> None:
    body = """
        <a href="/f/1" download="보도참고자료.docx">받기</a>
        <a href="/LCMS/DWN.jsp?fold=/press/&amp;fileName=%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.hwp">받기</a>
        <a href="/cgi/down.asp?name=%BA%B8%B5%B5%C0%DA%B7%E1.pdf">받기</a>"""
    found, _ = files(body)
    assert [(title, kind) for _, kind, title in found] == [
        ("보도참고자료.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("보도자료.hwp", "application/x-hwp"),  # UTF-8 percent-encoding
        ("보도자료.pdf", "application/pdf"),  # CP949 percent-encoding
    ]


def test_hangul_path_becomes_a_percent_encoded_url() -> None:
    found, _ = files('<a href="../upload/2025/보도자료 최종.hwpx">보도자료 최종.hwpx</a>')
    assert found == [
        (
            "https://www.mofe.go.kr/nw/upload/2025/%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C%20%EC%B5%9C%EC%A2%85.hwpx",
            "application/hwp+zip",
            "보도자료 최종.hwpx",
        )
    ]


def test_download_button_takes_the_one_name_beside_it_and_preview_buttons_do_not() -> None:
    body = """<ul class="file">
        <li><span>붙임 통계표.xlsx</span> <a href="/dn.do?f=1" class="btn_down">다운로드</a>
            <a href="/synap/viewer.do?src=/com/fileDownload.do%3Ff%3D1">바로보기</a></li>
        <li><span>사업 안내.hwp</span><span>사업 안내.pdf</span> <a href="/dn.do?f=2">다운로드</a></li>
        <li><a href="/dn.do?f=3">다운로드</a></li>
    </ul>"""
    found, _ = files(body)
    # f=2 sits beside two names and f=3 beside none: neither is guessed
    assert found == [
        (
            "https://www.mofe.go.kr/dn.do?f=1",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "붙임 통계표.xlsx",
        )
    ]


def test_download_buttons_in_a_big_block_guess_nothing() -> None:
    buttons = "".join(f'<a href="/dn.do?f={i}">다운로드</a>' for i in range(12))
    assert files(f"<p>붙임 자료: 보도자료.hwp {buttons}</p>") == ([], ())


def test_javascript_links_resolve_only_through_a_url_in_the_call() -> None:
    body = """
        <a href="javascript:fileDown('/upload/press/1107_보도자료.hwp');">1107 보도자료.hwp</a>
        <a href="#none" onclick="window.open('/com/fileDownload.do?fileId=9&amp;fileSn=1');">참고자료.pdf</a>
        <a href="javascript:fn_egov_downFile('FILE_000000000012345','0')">사진 설명.hwp</a>
        <a href="#">붙임.zip</a>
        <a href="javascript:void(0);" onclick="fnDown(77)">붙임.zip</a>"""
    found, unresolved = files(body)
    assert found == [
        (
            "https://www.mofe.go.kr/upload/press/1107_%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.hwp",
            "application/x-hwp",
            "1107 보도자료.hwp",
        ),
        ("https://www.mofe.go.kr/com/fileDownload.do?fileId=9&fileSn=1", "application/pdf", "참고자료.pdf"),
    ]
    assert unresolved == ("사진 설명.hwp", "붙임.zip")


def test_mail_and_phone_links_are_not_files() -> None:
    found, unresolved = files(
        '<a href="mailto:press@mofe.go.kr?subject=자료.pdf">자료.pdf 요청</a><a href="tel:0442152114">안내.hwp</a>'
    )
    assert found == [] and unresolved == ()


def test_links_are_deduplicated_by_url_in_document_order() -> None:
    body = """<div class="file"><a href="/dn.do?f=2">b.pdf</a><a href="/dn.do?f=1">a.hwp</a>
        <a href="/dn.do?f=2" class="btn">b.pdf 다운로드</a></div>
        <div class="view_cont"><a href="/dn.do?f=1">a.hwp</a></div>"""
    assert [title for _, _, title in files(body)[0]] == ["b.pdf", "a.hwp"]


def test_base_href_applies_to_attachments() -> None:
    found, _ = files('<a href="files/a.pdf">a.pdf</a>', head='<base href="https://www.mofe.go.kr/board/">')
    assert found[0][0] == "https://www.mofe.go.kr/board/files/a.pdf"


@pytest.mark.parametrize(
    "chrome",
    [
        '<footer id="footer"><a href="/upload/privacy_policy.pdf">개인정보처리방침.pdf</a></footer>',
        '<header><div class="util"><a href="/guide.pdf">이용안내.pdf</a></div></header>',
        '<div id="footer"><a href="/upload/privacy_policy.pdf">개인정보처리방침.pdf</a></div>',
        '<div class="foot_menu"><a href="/p.pdf">개인정보처리방침.pdf</a></div>',
        '<div class="family_site"><a href="/f.pdf">관련기관.pdf</a></div>',
        '<div id="gnb"><a href="/org.pdf">조직도.pdf</a></div>',
        '<ul class="top_gnb"><li><a href="/org.pdf">조직도.pdf</a></li></ul>',
        '<nav><a href="/map.pdf">사이트맵.pdf</a></nav>',
        '<div role="contentinfo"><a href="/p.pdf">개인정보처리방침.pdf</a></div>',
        '<div class="location"><a href="/p.pdf">찾아오시는 길.pdf</a></div>',
        '<div id="quick"><a href="/p.pdf">민원안내.pdf</a></div>',
        '<td id="leftmenu"><a href="/p.pdf">업무편람.pdf</a></td>',
        '<div class="left_menu"><a href="/p.pdf">업무편람.pdf</a></div>',
    ],
)
def test_files_in_site_chrome_are_left_out(chrome: str) -> None:
    assert files(chrome) == ([], ())


@pytest.mark.parametrize(
    "container",
    [
        '<article><footer class="view_foot"><a href="/a.pdf">a.pdf</a></footer></article>',
        '<section><header><a href="/a.pdf">a.pdf</a></header></section>',
        '<div class="bd_view_header"><a href="/a.pdf">a.pdf</a></div>',
        '<div class="view_head"><a href="/a.pdf">a.pdf</a></div>',
        '<div class="file_area"><a href="/a.pdf">a.pdf</a></div>',
        '<table class="viewTable"><tr><td class="file"><a href="/a.pdf">a.pdf</a></td></tr></table>',
        '<div class="sub_menu_content"><a href="/a.pdf">a.pdf</a></div>',
    ],
)
def test_files_of_the_release_are_kept_wherever_they_sit(container: str) -> None:
    assert files(container)[0] == [("https://www.mofe.go.kr/a.pdf", "application/pdf", "a.pdf")]


def test_photos_in_a_file_list_count_but_thumbnails_of_body_images_do_not() -> None:
    body = """<ul class="file"><li><a href="/dn.do?f=5">사진1. 브리핑 모습.JPG</a></li></ul>
        <p><a href="/upload/big/photo1.jpg"><img src="/upload/thumb/photo1.jpg" alt="브리핑"></a></p>"""
    assert files(body)[0] == [("https://www.mofe.go.kr/dn.do?f=5", "image/jpeg", "사진1. 브리핑 모습.JPG")]


def test_links_that_name_no_file_are_not_attachments() -> None:
    body = '<a href="/nw/press/view.do?nttId=1">관련 보도자료</a><a href="/com/fileDownload.do?fileId=1">첨부파일</a>'
    assert files(body) == ([], ())


# -- cost ---------------------------------------------------------------------------------------------


def test_importing_the_module_loads_no_extraction_library() -> None:
    code = (
        "import sys, pressfeed.ingest.extract; print(sorted({'readability', 'cssselect', 'w3lib'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_huge_page_is_refused_by_auto_and_served_by_a_selector() -> None:
    related = '<li><a href="/nw/press/view.do?nttId=1">관련 보도자료</a></li>' * (MAX_AUTO_ELEMENTS // 2)
    raw = page("mofe_board_view.html").replace(b'<ul class="file_list">', b"<ul>" + related.encode() + b"</ul><ul>")
    with pytest.raises(NoTextError, match=r"too large for automatic extraction \(\d+ elements, limit 100000\)"):
        extract_page(raw, url=MOFE_URL)
    result = extract_page(raw, url=MOFE_URL, selector="div.bd_view_cont")
    assert_in_order(result.text, MOFE_PARAGRAPHS)


@pytest.mark.slow
def test_page_at_the_fetch_cap_is_handled() -> None:
    # 15 MiB: a release whose text repeats, the most a fetch hands over
    original = page("mofe_board_view.html")
    start = original.index(b'<div class="bd_view_cont">') + len(b'<div class="bd_view_cont">')
    paragraphs = original[start : original.index(b'<p class="contact">')]
    repeat = (15 * 1024 * 1024 - len(original)) // len(paragraphs)
    raw = original[:start] + paragraphs * repeat + original[start:]
    assert len(raw) > 14 * 1024 * 1024
    result = extract_page(raw, url=MOFE_URL, content_type=HTML_UTF8, selector="div.bd_view_cont")
    assert result.text.count("지원 요건도 완화된다") == repeat + 1
    assert len(result.attachments) == 3


def nested_release(depth: int, copies: int) -> bytes:
    """A release page whose blocks nest `depth` deep, each with a line of the release: readability scores
    every block by all the text beneath it, so its work grows with depth × text, which the page chooses."""
    line = "<p>재정경제부는 7일 청년 일자리 도약 장려금 지원 대상을 확대한다고 밝혔다.</p>"
    nested = f'<div class="bd_view_cont">{line}' + f"<div>{line}" * depth + "</div>" * (depth + 1)
    return wrap(nested * copies)


def test_a_page_nested_hundreds_deep_is_refused_once_its_cpu_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    """20 blocks nested 250 deep (0.8 MiB) held automatic extraction for seconds, 95 of them for a minute,
    under the element limit: extraction has a CPU budget, as the feed parser has. Cut here to keep the
    test short; the selector path, linear, reads the same page."""
    raw = nested_release(250, 20)
    with monkeypatch.context() as budget:
        budget.setattr("pressfeed.ingest.extract.CPU_SECONDS", 0.3)
        budget.setattr("pressfeed.ingest.extract.CPU_SECONDS_PER_MIB", 0.0)
        with pytest.raises(NoTextError) as caught:
            extract_page(raw, url=MOFE_URL, content_type=HTML_UTF8)
    assert caught.value.url == MOFE_URL
    assert caught.value.message == (
        "page refused: still extracting after 0.3 s of CPU time, many times what a page of its size takes"
        ": its markup makes the work grow faster than its size; if it is a real release page, set the source's"
        " fulltext to a CSS selector"
    )
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)  # the timer is put back
    result = extract_page(raw, url=MOFE_URL, content_type=HTML_UTF8, selector="div.bd_view_cont")
    assert result.text.count("청년 일자리 도약 장려금") == 20 * 251


def test_json_after_a_byte_order_mark_is_still_json() -> None:
    with pytest.raises(NotHTMLError, match="but JSON"):
        extract_page(b"\xef\xbb\xbf" + page("api_error.json"), url=MOFE_URL, content_type="text/html")


def test_a_page_tag_of_thousands_of_attributes_reaches_the_parser_bounded() -> None:
    """libxml2 compares each attribute of a tag with those before it: a 15 MiB page of one wide tag held the
    parse for minutes. The page's release is still found, and no element keeps more than the bound."""
    from pressfeed.ingest.extract import _parse  # the parse itself: the tree readability and selectors get

    release = "<p>" + "과학기술정보통신부는 7일 정부서울청사에서 인공지능 기본계획을 발표했다고 밝혔다. " * 12 + "</p>"
    wide = "<div " + " ".join(f"data-x{i}=v" for i in range(20000)) + ' class="view_cont">'
    raw = f"<html><head><title>보도자료</title></head><body>{wide}{release}{release}</div></body></html>"
    tree = _parse(raw, MOFE_URL)
    assert max(len(element.attrib) for element in tree.iter()) <= MAX_ATTRIBUTES + len(SANITIZED_ATTRIBUTES)
    result = extract_page(raw.encode(), url=MOFE_URL, content_type="text/html; charset=utf-8")
    assert result.text.startswith("과학기술정보통신부는 7일 정부서울청사에서")
