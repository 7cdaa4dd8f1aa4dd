"""The config's parse cache (pressfeed.yamlfile.YAMLCache): what it gives back, and when it is not used."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pressfeed import yamlfile
from pressfeed.cli import cli
from pressfeed.config import CONFIG_CACHE, config_cache, load_config
from pressfeed.errors import ConfigError
from pressfeed.yamlfile import LocatedDict, LocatedList, YAMLCache, load_one

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FEEDS = ROOT / "feeds"

NESTED = """\
# a comment, so lines are not indexes
top:
  name: 포탈
  count: 3
  ratio: 0.5
  big: 123456789012345678901234567890
  on: true
  off: no
  none: ~
  nan: .nan
  list:
    - a
    - {k: v, n: [1, 2]}
    -
      - deep
anchored: &a {x: 1}
aliased: *a
merged:
  <<: *a
  y: 2
"""


def located(value: Any) -> Any:
    """A parsed value with every line and type spelled out, to compare two parses exactly."""
    if isinstance(value, LocatedDict):
        return ("map", value.line, [(k, value.lines[k], located(v)) for k, v in value.items()])
    if isinstance(value, LocatedList):
        return ("seq", value.line, [(line, located(v)) for line, v in zip(value.lines, value, strict=True)])
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text PyYAML is asked to parse (through yamlfile.load_one)."""
    seen: list[str] = []
    real = yamlfile.load_one

    def counting(text: str, max_chars: int = yamlfile.MAX_CONFIG_CHARS) -> Any:
        seen.append(text)
        return real(text, max_chars)

    monkeypatch.setattr(yamlfile, "load_one", counting)
    return seen


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The bundled sample site with its store folder (where the cache lives), nothing run."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_FEEDS, root / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".pressfeed").mkdir()
    return root


#: the sample's press-release API source stays disabled (no key), whatever this machine's environment holds
NO_KEY = {"DATA_GO_KR_SERVICE_KEY": ""}


def cache_file(site: Path) -> Path:
    return site / CONFIG_CACHE


def load_and_save(site: Path) -> Any:
    cache = config_cache(site)
    config = load_config(site, cache=cache)
    cache.save()
    return config


# -- what a cached text gives back ------------------------------------------------------


def test_a_cached_text_gives_back_every_value_line_and_type(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "cache.json"
    first = YAMLCache(path)
    parsed = first.load_one(NESTED)
    first.save()
    again = YAMLCache(path).load_one(NESTED)

    assert parses == [NESTED]  # the second came from the file
    assert located(again) == located(parsed) == located(load_one(NESTED))
    assert located(again)[2][0][2][2][0] == ("name", 3, ("str", "포탈"))


def test_a_cached_config_is_the_config_parsed(site: Path, parses: list[str]) -> None:
    fresh = load_config(site)
    load_and_save(site)
    parses.clear()

    cached = load_and_save(site)

    assert parses == []
    assert repr(cached) == repr(fresh)


def test_an_edited_config_is_parsed_again_and_replaces_the_old_entry(site: Path, parses: list[str]) -> None:
    load_and_save(site)
    config = site / "feeds" / "pressfeed.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: 포탈뉴스통신", "title: 새 이름", 1), "utf-8")
    parses.clear()

    edited = load_and_save(site)

    assert edited.site.title == "새 이름"
    assert len(parses) == 1
    assert len(json.loads(cache_file(site).read_text(encoding="ascii"))["texts"]) == 1
    parses.clear()
    assert load_and_save(site).site.title == "새 이름"
    assert parses == []


def test_an_edited_sources_file_is_parsed_again(site: Path, parses: list[str]) -> None:
    sources = site / "feeds" / "sources.yaml"
    entry = "- {id: extra, name: 추가 기관, url: feeds/agencies/extra.xml, section: economy}\n"
    sources.write_text(entry, encoding="utf-8")
    assert [s.id for s in load_and_save(site).sources][-1] == "extra"
    sources.write_text(entry.replace("extra", "other"), encoding="utf-8")
    parses.clear()

    assert [s.id for s in load_and_save(site).sources][-1] == "other"
    assert parses == [entry.replace("extra", "other")]


def test_a_cached_config_is_still_validated_with_its_lines(site: Path, parses: list[str]) -> None:
    """What the cache gives is checked as a parse is: here the folder changed under an unchanged config."""
    load_and_save(site)
    (site / "public").symlink_to(site)  # output.dir now leads back to the site itself
    rows = (site / "feeds" / "pressfeed.yaml").read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, row in enumerate(rows, 1) if row.startswith("  dir: ")]
    parses.clear()

    with pytest.raises(ConfigError) as cached:
        load_config(site, cache=config_cache(site))
    assert parses == []
    with pytest.raises(ConfigError) as fresh:
        load_config(site)
    assert str(cached.value) == str(fresh.value)
    assert str(cached.value).startswith(f"{site / 'feeds' / 'pressfeed.yaml'}:{line}: output.dir: must not be")


def test_values_json_cannot_carry_are_parsed_every_time(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "cache.json"
    text = "when: 2025-11-08\n"
    cache = YAMLCache(path)
    assert cache.load_one(text)["when"].isoformat() == "2025-11-08"
    cache.save()
    assert not path.exists()
    assert YAMLCache(path).load_one(text)["when"].isoformat() == "2025-11-08"
    assert parses == [text, text]


# -- when it is not used or not written ----------------------------------------------------


def test_a_broken_config_is_not_remembered(site: Path) -> None:
    config = site / "feeds" / "pressfeed.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    cache = config_cache(site)
    with pytest.raises(ConfigError):
        load_config(site, cache=cache)
    assert not cache_file(site).exists()


def test_no_store_folder_no_cache(site: Path) -> None:
    (site / ".pressfeed").rmdir()
    load_and_save(site)
    assert not (site / ".pressfeed").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_text("{not json", encoding="ascii"),
        lambda path: path.write_text("[]", encoding="ascii"),
        lambda path: path.write_text(
            json.dumps({**json.loads(path.read_text("ascii")), "stamp": [1, "0.0.0", None, None]}), encoding="ascii"
        ),
        lambda path: path.write_text(
            json.dumps(
                {
                    **(data := json.loads(path.read_text("ascii"))),
                    "texts": {key: {"m": "x", "k": 5} for key in data["texts"]},
                }
            ),
            encoding="ascii",
        ),
        lambda path: path.chmod(0o666),  # anyone could have written it
    ],
    ids=["not-json", "not-an-object", "other-version", "not-our-layout", "group-writable"],
)
def test_a_damaged_or_foreign_cache_file_is_a_miss(site: Path, parses: list[str], damage: Any) -> None:
    expected = repr(load_and_save(site))
    damage(cache_file(site))
    parses.clear()

    assert repr(load_and_save(site)) == expected
    assert parses  # parsed, not taken from the file
    parses.clear()
    load_and_save(site)  # written again, by this user, usable
    assert parses == []
    assert cache_file(site).stat().st_mode & 0o077 == 0


def test_a_symlinked_cache_file_is_not_followed(site: Path, tmp_path: Path, parses: list[str]) -> None:
    load_and_save(site)
    elsewhere = tmp_path / "elsewhere.json"
    cache_file(site).rename(elsewhere)
    cache_file(site).symlink_to(elsewhere)
    parses.clear()

    load_config(site, cache=config_cache(site))

    assert parses


def test_a_changed_parser_is_a_miss(site: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    load_and_save(site)
    stamp = yamlfile._parser_stamp()
    assert stamp is not None
    monkeypatch.setattr(yamlfile, "_parser_stamp", lambda: [*stamp[:3], [stamp[3][0], 1, 1]])  # another PyYAML
    parses.clear()

    load_config(site, cache=config_cache(site))

    assert parses


@pytest.mark.parametrize("refused", ["imports: !include [feeds/articles/*.yaml]\n"])
def test_a_parse_an_older_format_accepted_is_not_served_once_refused(site: Path, refused: str) -> None:
    """Parses remembered before a rule changed (a tag on a list was read as the plain list) are misses:
    CACHE_FORMAT changes with what a parse gives, even were this module's size and mtime the same."""
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8").replace("imports:\n  - feeds/articles/*.yaml\n", refused)
    config.write_text(text, encoding="utf-8")
    plain = load_one(text.replace("!include ", ""))  # what the older format remembered for it
    stamp = yamlfile._parser_stamp()
    assert stamp is not None
    key = hashlib.sha256(text.encode()).hexdigest()
    older = {"stamp": [2, *stamp[1:]], "texts": {key: yamlfile._encode(plain)}}  # 2: read `!include [...]`
    cache_file(site).write_text(json.dumps(older), encoding="ascii")
    cache_file(site).chmod(0o600)

    with pytest.raises(ConfigError, match="the tag !include is not supported"):
        load_config(site, cache=config_cache(site))


# -- the command --------------------------------------------------------------------------


def test_commands_that_write_remember_the_config_and_readers_do_not(site: Path) -> None:
    runner = CliRunner()
    (site / ".pressfeed").rmdir()
    listed = runner.invoke(cli, ["--site", str(site), "articles", "list"], env=NO_KEY)
    assert listed.exit_code == 0, listed.output
    assert not (site / ".pressfeed").exists()

    ran = runner.invoke(cli, ["--site", str(site), "-q", "run"], env=NO_KEY)
    assert ran.exit_code == 0, ran.output
    assert cache_file(site).exists()
    assert os.stat(cache_file(site)).st_mode & 0o777 == 0o600


def test_a_config_broken_after_a_cached_run_still_stops_with_its_line(site: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--site", str(site), "-q", "run"], env=NO_KEY).exit_code == 0
    remembered = cache_file(site).read_bytes()
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  items_per_feed: 50", "  items_per_feed: 50\n  bogus_key: 1"), encoding="utf-8")
    line = next(n for n, row in enumerate(config.read_text("utf-8").splitlines(), 1) if "bogus_key" in row)

    result = runner.invoke(cli, ["--site", str(site), "-q", "run"], env=NO_KEY)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {config}:{line}: output.bogus_key: unknown key")
    assert cache_file(site).read_bytes() == remembered


def _quiet_run_in_python(code: str, site: Path) -> subprocess.CompletedProcess[str]:
    """`pressfeed -q run` on `site` in a fresh interpreter, through `code` (which calls the CLI's main)."""
    env = {k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"} | NO_KEY
    proc = subprocess.run(
        [sys.executable, "-c", code, "--site", str(site), "-q", "run"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_no_op_run_imports_no_yaml_parser_http_stack_renderer_or_normalizer(site: Path) -> None:
    """The cron job's start-up: a run with nothing to do loads only what it uses (issue 15)."""
    assert CliRunner().invoke(cli, ["--site", str(site), "-q", "run"], env=NO_KEY).exit_code == 0
    heavy = ["asyncio", "feedgen", "feedparser", "httpx", "lxml", "html", "multiprocessing", "nh3", "yaml"]
    # normalization, the Article record types and the CMS importer: nothing is read, normalized or rendered
    heavy += ["pressfeed.imports.importer", "pressfeed.model", "pressfeed.normalize", "pressfeed.rights"]
    heavy += ["pressfeed.ingest.reset", "pressfeed.views"]  # an operator's commands, not cron's
    code = (
        "import sys\n"
        "from pressfeed.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(sorted(set({heavy!r}) & set(sys.modules)))\n"
    )
    proc = _quiet_run_in_python(code, site)
    assert proc.stdout.strip() == "[]"


def test_the_command_leaves_its_objects_out_of_the_collections_at_exit(site: Path) -> None:
    """Collecting every module's objects once more as the process exits was ~15 ms of a no-op run (issue 15)."""
    code = (
        "import atexit, gc\n"
        "from pressfeed.cli import main\n"
        "atexit.register(lambda: print(gc.get_freeze_count() > 1000))\n"
        "main()\n"
    )
    proc = _quiet_run_in_python(code, site)
    assert proc.stdout.strip() == "True"
