from __future__ import annotations

from django import forms
from django.conf import settings


class TableUploadForm(forms.Form):
    """An import's upload: the file, and optionally the unit the rows are for (``owners`` to choose from)."""

    file = forms.FileField(
        label="文件",
        help_text="CSV（UTF-8或GBK编码）或XLSX，第一行为表头。",
        error_messages={"required": "请选择要上传的文件。"},
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"] = forms.ModelChoiceField(label="制定单位", queryset=owners, empty_label=None)
            self.order_fields(["owner", "file"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"文件不能超过{settings.IMPORT_MAX_BYTES // (1024 * 1024)}MB。")
        return upload
