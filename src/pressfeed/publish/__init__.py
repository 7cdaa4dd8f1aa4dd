"""Publishing: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML, HTML pages and WebSub pings."""

from .build import build, feed_specs

__all__ = ["build", "feed_specs"]
