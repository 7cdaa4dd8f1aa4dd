"""pressfeed: normalize news articles, ingest agency feeds, publish RSS/Atom/JSON feeds."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pressfeed")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
