"""Checking uploaded photos by their content and re-encoding them, so nothing but pixels survives."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_TOO_LARGE = "照片不能超过{mb}MB。"
PHOTO_NOT_AN_IMAGE = "只能上传JPEG、PNG或WebP格式的照片。"
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def photo_reencode(
    uploaded,
    *,
    max_bytes: int,
    formats: tuple[str, ...] = tuple(ALLOWED_FORMATS),
    not_allowed: str = PHOTO_NOT_AN_IMAGE,
) -> ContentFile:
    """Validates an uploaded photo by content (not by name) and returns a freshly encoded copy.

    Re-encoding drops anything appended to or embedded in the file (scripts, EXIF with GPS).
    """
    if uploaded.size > max_bytes:
        raise ValidationError(PHOTO_TOO_LARGE.format(mb=max_bytes // (1024 * 1024)))
    data = uploaded.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in formats or probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(not_allowed)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif fmt == "PNG":
                image.save(out, "PNG", optimize=True)
            else:
                image.save(out, "WEBP", quality=85)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(not_allowed) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}")
