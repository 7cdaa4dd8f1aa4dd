"""The exception hierarchy: every error pressfeed defines survives a trip between processes."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from collections.abc import Iterator
from datetime import UTC, datetime
from ipaddress import ip_address
from typing import Any

import pressfeed
from pressfeed.errors import FOREIGN_CHARS, Problem, foreign

#: modules whose import does something (run the CLI, detach stdio): they define no exception
_NOT_IMPORTED = {"pressfeed.__main__", "pressfeed._forkserver"}


def _project_exceptions() -> list[type[BaseException]]:
    """Every exception class pressfeed defines, found by importing every module: a new one is tested
    without being listed anywhere (only its constructor arguments are, when it has its own __init__)."""
    for module in pkgutil.walk_packages(pressfeed.__path__, "pressfeed."):
        if module.name not in _NOT_IMPORTED:
            importlib.import_module(module.name)

    def below(cls: type[BaseException]) -> Iterator[type[BaseException]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {c for c in below(BaseException) if c.__module__.split(".")[0] == "pressfeed"}
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def _arguments() -> dict[str, tuple[Any, ...]]:
    """Representative arguments for each pressfeed class with its own __init__, by qualified name;
    every field a value unlike the default, so one lost on the way shows."""
    from pressfeed.errors import RecordError

    problem = Problem("releases.yaml", 14, "published", "not a date: '2026. 11. 31.'")
    return {
        "pressfeed.errors.ConfigError": ("pressfeed.yaml", 12, "fetch.timeout", "must be a number of seconds"),
        "pressfeed.errors.RecordError": ("title", "is empty"),
        "pressfeed.errors.InputError": ([problem, Problem("releases.yaml", None, "link", "missing")],),
        "pressfeed.errors.ArticleNotFoundError": ("moef-2026-1128-001",),
        "pressfeed.errors.Interrupted": (15,),
        "pressfeed.normalize.RecordProblems": ([RecordError("title", "is empty"), RecordError("link", "relative")],),
        "pressfeed.normalize.IdNotNormal": ("https://portal.kr/news/./1", "https://portal.kr/news/1"),
        "pressfeed.ingest.briefing.BriefingAPIError": (
            "일일 트래픽 초과 (code 22): try again after midnight KST",
            "22",
            datetime(2026, 11, 28, 15, 0, tzinfo=UTC),
        ),
        "pressfeed.ingest.extract.ExtractionError": ("https://www.moef.go.kr/nw/nes/detailNesDtaView.do", "empty page"),
        "pressfeed.ingest.extract.SelectorError": (
            "https://www.mois.go.kr/frt/bbs/type010/commonSelectBoardArticle.do?bbsId=BBSMSTR_000000000008",
            "div.view_cont",
            "selector 'div.view_cont' matched nothing",
        ),
        "pressfeed.ingest.guard.BlockedAddressError": ("metadata.internal", 80, ip_address("169.254.169.254")),
        "pressfeed.yamlfile.YAMLSyntaxError": (7, "sources", "mapping values are not allowed here"),
        "pressfeed.imports.read._DuplicateKey": ("title",),
    }


def _constructor(cls: type[BaseException]) -> type[BaseException] | None:
    """The pressfeed class whose __init__ `cls` uses; None: Exception's own (any message will do)."""
    for klass in cls.__mro__:
        if "__init__" in vars(klass) and klass.__module__.split(".")[0] == "pressfeed":
            return klass
    return None


def _state(value: Any) -> Any:
    """A value to compare: exceptions compare by identity, so by class, message and attributes."""
    if isinstance(value, BaseException):
        return (type(value), str(value), value.args, {k: _state(v) for k, v in vars(value).items()})
    if isinstance(value, list | tuple):
        return [_state(v) for v in value]
    return value


def test_every_project_exception_survives_pickle() -> None:
    """Worker processes send errors back pickled; one that pickles but does not unpickle (pickle calls
    cls(*args), and a custom __init__ rarely takes its message) broke the whole pool once (ExtractionError).
    A new class with its own __init__ fails here until its arguments are added to _arguments()."""
    arguments = _arguments()
    classes = _project_exceptions()
    names = {f"{c.__module__}.{c.__qualname__}" for c in classes}
    assert set(arguments) <= names, "arguments for a class that no longer exists (or the walk missed it)"
    for cls in classes:
        owner = _constructor(cls)
        if owner is None:
            args: tuple[Any, ...] = ("보도자료 목록을 읽을 수 없습니다: the message",)
        else:
            key = f"{owner.__module__}.{owner.__qualname__}"
            assert key in arguments, f"{key} has its own __init__: add representative arguments to _arguments()"
            args = arguments[key]
        error = cls(*args)
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is cls
        assert _state(back) == _state(error), cls
        assert str(back) and str(back) == str(error)


def test_a_foreign_string_is_quoted_on_one_line_and_cut_short() -> None:
    """A header or URL a server chose, as a stored error or cron mail shows it."""
    location = "http://www.moef.go.kr/nw/\r\nSubject: forged\x85\u2028\u202egnp.exe\x1b[2J" + "가" * 1000

    shown = foreign(location)

    assert shown.startswith("http://www.moef.go.kr/nw/ Subject: forged gnp.exe [2J가가")
    assert len(shown) == FOREIGN_CHARS and shown.endswith("가…") and shown.isprintable()
    assert foreign("보도자료 https://www.korea.kr/") == "보도자료 https://www.korea.kr/"  # printable and short
