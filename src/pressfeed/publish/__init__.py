"""Publishing: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML and an HTML index."""

from .build import build, feed_specs

__all__ = ["build", "feed_specs"]
