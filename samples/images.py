"""Sample photos: check an upload really is a picture of a sane size and make its thumbnail."""

import io
import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
THUMB_SIZE = (320, 320)
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def photo_validate_and_thumbnail(upload) -> tuple[ContentFile, ContentFile, int, int]:
    """(original, thumbnail JPEG, width, height); ValidationError naming the file otherwise."""
    name = os.path.basename(getattr(upload, "name", "") or "photo")
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise ValidationError({"photo": f"{name} is empty."})
    if size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": f"{name} is {size:,} bytes; the limit is {PHOTO_MAX_BYTES:,}."})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in FORMATS:
                raise ValidationError({"photo": f"{name} is {kind or 'not an image'}; upload JPEG, PNG or WebP."})
            if width * height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": f"{name} is {width}×{height} pixels; the limit is {PHOTO_MAX_PIXELS:,}."})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": f"{name} is not a readable image ({type(exc).__name__})."})
    stem = uuid.uuid4().hex
    return ContentFile(data, name=f"{stem}{FORMATS[kind]}"), ContentFile(out.getvalue(), name=f"{stem}.jpg"), width, height
