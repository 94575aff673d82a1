"""Images (JPEG, PNG): bounded decoding, a jury copy re-encoded from the pixels without EXIF, XMP, IPTC,
comments or PNG text chunks (R19, R24), and the metadata text for the leak check."""

from __future__ import annotations

import io
import warnings
from typing import BinaryIO

from compete.core.i18n import lazy_gettext as _l
from compete.submissions.archives import FileRefused, Limits, refused_unreadable

# Metadata keys a jury copy may never carry; reported in the audit entry when they were present.
_INFO_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "icc_profile")
_EXIF_TEXT_TAGS = (0x010E, 0x010F, 0x0110, 0x013B, 0x8298, 0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F, 0x9286)


def _open(stream: BinaryIO, limits: Limits):
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = limits.max_pixels
            image = Image.open(stream)  # reads the header only; pixels are decoded by load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refused_too_many_pixels(limits) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise refused_unreadable() from exc
    width, height = image.size
    if width * height > limits.max_pixels:
        raise refused_too_many_pixels(limits)
    return image


def refused_too_many_pixels(limits: Limits) -> FileRefused:
    return FileRefused(
        _l(
            "The image has more than %(max)s megapixels. Reduce it and upload it again.",
            max=limits.max_pixels // 1_000_000,
        ),
        code="image_pixels",
    )


def check_image(stream: BinaryIO, kind: str, limits: Limits | None = None) -> None:
    """Refuse an image that is not what its first bytes say, or that would decode to too many pixels."""
    limits = limits or Limits.from_config()
    image = _open(stream, limits)
    expected = {"jpg": "JPEG", "png": "PNG"}[kind]
    if image.format != expected:
        raise refused_unreadable()
    try:
        image.verify()
    except Exception as exc:
        raise refused_unreadable() from exc


def strip_image(stream: BinaryIO, kind: str, limits: Limits | None = None) -> tuple[bytes, list[str]]:
    """A copy re-encoded from the pixels, upright, with no metadata; and the kinds of metadata removed."""
    from PIL import ImageOps

    limits = limits or Limits.from_config()
    image = _open(stream, limits)
    removed = sorted({key for key in _INFO_KEYS if image.info.get(key)} | {f"text:{k}" for k in _png_text(image)})
    if kind == "jpg" and image.getexif():
        removed = sorted(set(removed) | {"exif"})
    out = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            upright = ImageOps.exif_transpose(image)
            rotated = upright is not image
            upright.info = {}
            if kind == "jpg":
                options = {"quality": 92} if rotated else {"quality": "keep", "subsampling": "keep"}
                upright.save(out, "JPEG", exif=b"", comment=b"", **options)
            else:
                transparency = image.info.get("transparency")
                extra = {"transparency": transparency} if transparency is not None else {}
                upright.save(out, "PNG", **extra)
    except FileRefused:
        raise
    except Exception as exc:
        raise refused_unreadable() from exc
    return out.getvalue(), removed


def _png_text(image) -> dict:
    text = getattr(image, "text", None)
    try:
        return dict(text or {})
    except Exception:  # noqa: BLE001 - an over-long or broken text chunk gives no text
        return {}


def image_text(stream: BinaryIO, limits: Limits | None = None) -> str:
    """The text an image's metadata carries (EXIF strings, XMP, IPTC, comments, PNG text) for the leak check."""
    limits = limits or Limits.from_config()
    try:
        image = _open(stream, limits)
    except FileRefused:
        return ""
    parts: list[str] = []
    for key in ("xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
        value = image.info.get(key)
        if isinstance(value, bytes):
            parts.append(value.decode("utf-8", "replace"))
        elif isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            parts += [v.decode("utf-8", "replace") for v in value.values() if isinstance(v, bytes)]
    parts += [str(v) for v in _png_text(image).values()]
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - broken EXIF gives no text
        exif = {}
    for tag in _EXIF_TEXT_TAGS:
        value = exif.get(tag)
        if isinstance(value, bytes):
            # XP* tags are UTF-16LE; UserComment starts with an 8-byte charset code.
            parts.append(value.decode("utf-16-le", "replace") if tag >= 0x9C9B else value[8:].decode("utf-8", "ignore"))
        elif value:
            parts.append(str(value))
    return "\n".join(p.replace("\x00", "") for p in parts)
