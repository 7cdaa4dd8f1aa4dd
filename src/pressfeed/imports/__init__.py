"""CMS imports: export files (JSON, JSON Lines, YAML) → records → normalize → store.

A run whose configured exports did not change imports only :mod:`.configured`
and :mod:`.state`; the names below that live in the reading and normalizing
modules load them when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .configured import configured_files, import_each

if TYPE_CHECKING:
    from .importer import import_files
    from .read import RawRecord, raw_article, read_records

#: the package's names from modules loaded on first use, and those modules
_ON_USE = {"import_files": "importer", "RawRecord": "read", "raw_article": "read", "read_records": "read"}

__all__ = ["RawRecord", "configured_files", "import_each", "import_files", "raw_article", "read_records"]


def __getattr__(name: str) -> Any:
    if name not in _ON_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_ON_USE[name]}", __name__), name)
