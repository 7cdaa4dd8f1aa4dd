"""What a file is by its name: the media types of a release's photos and attachments.

One table for every place that asks (normalization, a page's file list, the
rights that drop photos); no imports beyond the standard library, so rights
read it at render time without loading normalization.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "FILE_TYPES",
    "IMAGE_TYPES",
    "PHOTO_EXTENSIONS",
    "PHOTO_SUFFIXES",
    "guess_image_type",
    "image_type_from_url",
    "is_photo",
]

#: images every reader shows: an item's photos (Media RSS, JSON Feed's image, the lead picture)
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
}

#: photos no reader shows inline, so they stay attachments; still photos to terms that drop them
_OTHER_PHOTOS = ("bmp", "tif", "tiff", "heic")

#: what a photo's file is called, whatever type a server sent it under ("application/octet-stream")
PHOTO_EXTENSIONS = (*IMAGE_TYPES, *_OTHER_PHOTOS)
PHOTO_SUFFIXES = tuple(f".{extension}" for extension in PHOTO_EXTENSIONS)

#: media types by file extension. HWP and HWPX have no IANA registration: HWP is
#: application/x-hwp (freedesktop.org, Debian's mime.types), HWPX the type an HWPX
#: package names itself in its "mimetype" entry.
FILE_TYPES = {
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "7z": "application/x-7z-compressed",
}


def media_type_for_name(name: str) -> str | None:
    """The media type a file name (or URL) names by its extension: a press release's HWP, PDF, photo …"""
    for candidate in (name, urlsplit(name).path):  # a bare name ("자료#1.hwpx"), then a URL's path
        extension = candidate.rsplit(".", 1)[-1].lower() if "." in candidate else ""
        found = FILE_TYPES.get(extension) or IMAGE_TYPES.get(extension)
        if found:
            return found
    return None


def image_type_from_url(url: str) -> str | None:
    """The image media type the URL's extension names, or None."""
    ext = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    return IMAGE_TYPES.get(ext)


def guess_image_type(url: str) -> str:
    return image_type_from_url(url) or "image/jpeg"


def is_photo(url: str, media_type: str, name: str = "") -> bool:
    """A photo, by its type or, whatever type a server gave it, by its URL's file or the name it is listed
    under: a board's download link names no file ("fileDownload.do?id=3", "현장사진3.bmp")."""
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return (
        media_type.lower().startswith("image/") or path.endswith(PHOTO_SUFFIXES) or _PHOTO_NAME.search(name) is not None
    )


#: a photo's file name in a listing, maybe followed by its size: "현장사진2.HEIC", "사진.jpg (2.3MB)"; not a
#: release that names one ("보도자료(사진.png 포함).hwp")
_PHOTO_NAME = re.compile(rf"\.(?:{'|'.join(PHOTO_EXTENSIONS)})\s*(?:[(\[][^()\[\]]*[)\]])?\s*$", re.IGNORECASE)
