"""pressfeed: normalize news articles, ingest agency feeds, publish RSS/Atom/JSON feeds."""

#: the one place the version is written; pyproject.toml reads it from here (importlib.metadata
#: would cost the cron job's every start tens of milliseconds)
__version__ = "0.1.0"

__all__ = ["__version__"]
