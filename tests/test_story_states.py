"""One story, one item: the paths the state machine (tests/test_story_machine.py) found, as plain examples.

Each pins a path that once published a story twice, or showed readers an item
under a guid it should not have, or dated one back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from conftest import NOW
from pressfeed.clock import fixed
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.model import Status
from test_stories import (
    ATOM,
    CMS_ID,
    OTHER,
    OTHER_ID,
    RELEASE_ID,
    RELEASE_LINK,
    SECOND_ID,
    SECOND_TITLE,
    Site,
    cms,
    everywhere,
    release,
    second,
)

# -- what the machine found, as plain examples ----------------------------------------------------------------


SECOND = second()


def test_a_release_whose_article_was_deleted_is_superseded_by_the_next_article_citing_it(tmp_path: Path) -> None:
    """The newsroom deleted its article and wrote another citing the same release: the release kept pointing at
    the deleted one (`superseded_by`), which let no other article supersede it, and readers got the release
    beside the new article for good. A deleted article holds no story: the next one citing the release takes it,
    under the release's guid, since readers have the release and not the new article."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.cms(cms())
    portal.run().close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=1))) as pf:
        pf.delete(CMS_ID)
    portal.run(NOW + timedelta(minutes=2)).close()
    assert everywhere(portal, "") == [RELEASE_ID]  # the release is back while no article supersedes it
    portal.cms(cms() + "---\n" + SECOND)
    pf = portal.run(NOW + timedelta(minutes=3))
    assert pf.store.get(RELEASE_ID).superseded_by == SECOND_ID  # type: ignore[union-attr]
    pf.close()
    assert everywhere(portal, "") == [RELEASE_ID]  # one item: the new article under the release's guid
    assert portal.titles() == [SECOND_TITLE]


def test_a_release_one_article_lets_go_is_taken_by_another_article_of_the_same_import(tmp_path: Path) -> None:
    """One export moves article 0101's citation to another release and has 0102 cite the first one. The import
    linked article by article from the releases as read before any change: 0102 found the release still held by
    0101, and the release, free now, went into the feeds beside 0102, which rewrites it."""
    portal = Site(tmp_path / "site")
    portal.feed(release(), OTHER)
    portal.cms(cms())
    portal.run().close()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, OTHER_ID])
    portal.cms(cms(url=RELEASE_LINK.replace("3186412", "3186500")) + "---\n" + SECOND)
    with portal.run(NOW + timedelta(minutes=5)) as pf:
        assert pf.store.get(RELEASE_ID).superseded_by == SECOND_ID  # type: ignore[union-attr]
    # readers had 0101 and the other release: each keeps its guid and the release leaves; 0102 is new
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, SECOND_ID])


def atom_updated(portal: Site, guid: str) -> datetime:
    atom = etree.parse(str(portal.root / "public" / "atom.xml"))
    return datetime.fromisoformat(atom.find(f"{ATOM}entry[{ATOM}id='{guid}']/{ATOM}updated").text)  # type: ignore[union-attr,arg-type]


def test_a_release_an_article_stops_citing_comes_back_under_its_guid_dated_later(tmp_path: Path) -> None:
    """The article had taken the release's guid; the newsroom then changed its `source.url`. The release came
    back under its guid with its own, older `updated`: readers, who had the article's version, would take the
    release's as older and keep the article's. Hiding or deleting the article dated it at that moment already."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms())
    portal.run(NOW + timedelta(minutes=5)).close()
    assert everywhere(portal, "") == [RELEASE_ID]  # the article, under the release's guid
    taken = atom_updated(portal, RELEASE_ID)
    portal.cms(cms(url=RELEASE_LINK.replace("3186412", "3186999")))  # now it cites a release never ingested
    portal.run(NOW + timedelta(minutes=10)).close()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, RELEASE_ID])
    atom = etree.parse(str(portal.root / "public" / "atom.xml"))
    assert (
        atom.findtext(f"{ATOM}entry[{ATOM}id='{RELEASE_ID}']/{ATOM}title")
        == "과기정통부, 국가 AI 컴퓨팅센터 사업자 선정"
    )
    assert atom_updated(portal, RELEASE_ID) > taken


def test_a_release_kept_beside_the_article_that_had_its_guid_is_dated_later(tmp_path: Path) -> None:
    """`articles publish --keep-both` on a release whose guid its article had taken: the article goes back to
    its own guid, and the release showed again under its guid with its own, older `updated`."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms())
    portal.run(NOW + timedelta(minutes=5)).close()
    taken = atom_updated(portal, RELEASE_ID)
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=10))) as pf:
        pf.publish(RELEASE_ID, keep_both=True)
        pf.build()
    assert sorted(everywhere(portal, "")) == sorted([CMS_ID, RELEASE_ID])
    assert atom_updated(portal, RELEASE_ID) > taken


def test_an_article_that_stops_citing_a_deleted_release_does_not_show_under_its_guid(tmp_path: Path) -> None:
    """A draft article took over the guid of a release readers had (a draft may: it shows when published). The
    release was deleted, leaving the feeds; then the newsroom rewrote the article citing nothing and published
    it. It showed under the deleted release's guid: readers saw their item of the release turn into an article
    that is no longer its story."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.run().close()
    portal.cms(cms(status="draft"))
    portal.run(NOW + timedelta(minutes=5)).close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=10))) as pf:
        pf.delete(RELEASE_ID)
        pf.build()
    assert everywhere(portal, "") == []
    portal.cms(cms(url=None))  # its own text, citing no release
    portal.run(NOW + timedelta(minutes=15)).close()
    assert everywhere(portal, "") == [CMS_ID]


@pytest.mark.parametrize("leave", ["hide", "delete"])
def test_a_second_article_citing_the_release_keeps_it_out_when_the_first_leaves(tmp_path: Path, leave: str) -> None:
    """Two newsroom articles cite one release; the first (by id) supersedes it. When the first leaves the feeds,
    the release comes back: beside the second article, which rewrites it too, and readers never had it."""
    portal = Site(tmp_path / "site")
    portal.feed(release())
    portal.cms(cms() + "---\n" + SECOND)
    portal.run().close()
    with Pressfeed(load_config(portal.root), clock=fixed(NOW + timedelta(minutes=1))) as pf:
        pf.delete(CMS_ID) if leave == "delete" else pf.set_status(CMS_ID, Status.HIDDEN)
    portal.run(NOW + timedelta(minutes=2)).close()
    assert everywhere(portal, "") == [SECOND_ID]
