"""Uploads for tests of size limits."""

from django.core.files.uploadedfile import SimpleUploadedFile


class UnreadableUpload(SimpleUploadedFile):
    """An upload that says how big it is and fails the test if anything reads it."""

    def __init__(self, name: str, size: int, content_type: str = "text/csv"):
        super().__init__(name, b"x", content_type=content_type)
        self.size = size

    def read(self, *args, **kwargs):
        raise AssertionError(f"{self.name} was read")

    def chunks(self, *args, **kwargs):
        raise AssertionError(f"{self.name} was read")

    def __iter__(self):
        raise AssertionError(f"{self.name} was read")
