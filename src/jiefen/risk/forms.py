"""Forms of the risk desk: assign, handle and close a warning; upload a feed CSV.

Only the shape of the input is checked here (a chosen user, a non-blank note, a file of at most
`MAX_UPLOAD` bytes); whether the move is allowed (role, state) is the action's decision, whose
Chinese refusal the page shows beside the form.
"""

from __future__ import annotations

from django import forms

from jiefen.accounts.models import User
from jiefen.risk.selectors import assignable_users

# A feed file is a few thousand regulator records; 10 MB is far more than one day's export and
# keeps an accidental upload of a database dump from being read into memory.
MAX_UPLOAD = 10 * 1024 * 1024


class _AssigneeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        org = f" · {obj.organisation.name}" if obj.organisation else ""
        return f"{obj.display_name}（{obj.get_role_display()}{org}）"


class AssignForm(forms.Form):
    assignee = _AssigneeChoice(
        queryset=User.objects.none(),
        label="处置人",
        empty_label="请选择",
        error_messages={
            "required": "请选择处置人",
            "invalid_choice": "所选处置人不存在或不能处置风险预警（仅院庭长、平台管理员）",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].queryset = assignable_users().select_related("organisation")  # type: ignore[attr-defined]


class HandleForm(forms.Form):
    note = forms.CharField(
        label="处置情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写处置情况（已采取的措施、结果）",
            "max_length": "处置情况过长（上限 %(limit_value)d 字）",
        },
    )


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV 文件",
        error_messages={
            "required": "请选择要上传的 CSV 文件",
            "empty": "上传的文件是空的",
            "invalid": "未收到文件，请重新选择",
        },
    )

    name = ""  # the uploaded file's name, kept on the import (FeedImport.source_name)

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件过大（不超过 10MB），请分批上传")
        self.name = str(upload.name or "")
        data: bytes = upload.read()
        return data
