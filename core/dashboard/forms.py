"""What every dashboard form shares."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: on the field it names when the form has
    that field, else at the top, prefixed with the name the service gave."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message if target else f"{field}: {message}")
    else:
        for message in error.messages:
            form.add_error(None, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list of uploads, and refuses none when required.

    ``accept`` is the browser's file-picker hint (``".csv,.txt,text/csv"``), not a check.
    """

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f] or super().clean(None)
