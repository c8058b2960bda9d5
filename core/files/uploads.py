"""Size limits checked before a file is read whole into memory: a form validator and a bounded read."""

import os

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from .problems import FileProblem
from .text import size_text


@deconstructible
class MaxUploadSize:
    """Form or model field validator: refuses an upload whose ``size`` is over ``max_bytes``, without reading it."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        size = getattr(upload, "size", None)
        if size is not None and size > self.max_bytes:
            name = os.path.basename(getattr(upload, "name", "") or "the file")
            raise ValidationError(
                "%(name)s is larger than %(limit)s (%(size)s bytes).",
                code="file_too_large",
                params={"name": name, "limit": size_text(self.max_bytes), "size": f"{size:,}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxUploadSize) and other.max_bytes == self.max_bytes


def read_limited(source, *, max_bytes: int, file: str = "") -> bytes:
    """The bytes of ``source`` (bytes, text, a path, an open or uploaded file), reading at most ``max_bytes + 1``.

    Raises ``FileProblem`` when it is over ``max_bytes`` (known from an upload's ``size`` or a
    path's ``stat`` before anything is read), ``OSError`` when a path cannot be read.
    """
    too_big = FileProblem(file, None, None, f"the file is larger than {size_text(max_bytes)}")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        data = source.encode("utf-8")
    elif isinstance(source, os.PathLike):
        if os.stat(source).st_size > max_bytes:
            raise too_big
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise too_big
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
        data = source.read(max_bytes + 1)
        data = data.encode("utf-8") if isinstance(data, str) else data
    if len(data) > max_bytes:
        raise too_big
    return data
