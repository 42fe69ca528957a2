"""Checking uploaded documents (meeting papers: PDF, JPEG, PNG) by their content, not their name."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from uploads.images import photo_reencode

DOCUMENT_TOO_LARGE = "文件“{name}”超过{mb}MB。"
DOCUMENT_NOT_ALLOWED = "文件“{name}”不是PDF、JPEG或PNG格式。"
PDF_MAGIC = b"%PDF-"


def document_clean(uploaded, *, max_bytes: int) -> tuple[ContentFile, str]:
    """(a clean copy to store, its content type). Images are re-encoded (nothing but pixels survives);
    a PDF must start with the PDF header and end with the end-of-file marker, and is always served
    as a download, never rendered inline by the portal."""
    name = getattr(uploaded, "name", "") or "附件"
    if uploaded.size > max_bytes:
        raise ValidationError(DOCUMENT_TOO_LARGE.format(name=name, mb=max_bytes // (1024 * 1024)))
    head = uploaded.read(len(PDF_MAGIC))
    uploaded.seek(0)
    if head == PDF_MAGIC:
        data = uploaded.read()
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(DOCUMENT_NOT_ALLOWED.format(name=name))
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), "application/pdf"
    image = photo_reencode(
        uploaded,
        max_bytes=max_bytes,
        formats=("JPEG", "PNG"),
        not_allowed=DOCUMENT_NOT_ALLOWED.format(name=name),
    )
    return image, "image/jpeg" if image.name.endswith(".jpg") else "image/png"
