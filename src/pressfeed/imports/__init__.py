"""CMS imports: export files (JSON, JSON Lines, YAML) → records → normalize → store."""

from .importer import configured_files, import_each, import_files
from .read import RawRecord, raw_article, read_records

__all__ = ["RawRecord", "configured_files", "import_each", "import_files", "raw_article", "read_records"]
