"""A campaign's posts: copy, hashtags, media and time, and what their channel's rules say of them."""

import io
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core import transitions

from .. import channel_rules, copywriting
from ..markets import LocalTimeError, local_to_utc
from ..models import MAX_MEDIA_BYTES, Campaign, Channel, Post
from .links import tracked_link_create, tracked_link_url

MAX_TEXT = 70_000  # longer than any network takes (Facebook's 63,206), so the rule names the limit
MAX_HASHTAGS_STORED = 100
EDITABLE = (Post.Status.DRAFT, Post.Status.FAILED)
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"}
Image.MAX_IMAGE_PIXELS = 80_000_000  # decompression bombs are refused, not decoded


@dataclass(frozen=True)
class MediaFacts:
    kind: str
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    seconds: float | None = None


def _mp4_facts(head: bytes, size: int) -> MediaFacts | None:
    """An ISO base media file (MP4, MOV, M4V): its brand, and its length from the movie header."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    fmt = "MOV" if brand == b"qt  " else "M4V" if brand.startswith(b"M4V") else "MP4"
    return MediaFacts(kind=Post.MediaKind.VIDEO, format=fmt, bytes=size)


def media_inspect(upload) -> MediaFacts:
    """What an uploaded file really is, read from its bytes (not its name or declared type).

    Images are opened with Pillow (format, width, height); videos (MP4, MOV, M4V) are read with
    mutagen for their length. Anything else is refused naming the file.
    """
    name = getattr(upload, "name", "") or "the file"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_MEDIA_BYTES:
        raise ValidationError({"media": [f"{name} is larger than {MAX_MEDIA_BYTES // (1024 * 1024)} MB."]})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    video = _mp4_facts(head, size)
    if video is not None:
        from mutagen.mp4 import MP4

        try:
            seconds = float(MP4(upload).info.length)
        except Exception as error:  # noqa: BLE001 - a crafted file can make the parser raise anything
            raise ValidationError({"media": [f"{name} looks like a video but its length cannot be read ({error})."]})
        finally:
            upload.seek(0)
        if seconds <= 0:
            raise ValidationError({"media": [f"{name} is a video without a length."]})
        return MediaFacts(kind=video.kind, format=video.format, bytes=size, seconds=round(seconds, 3))
    try:
        with Image.open(upload) as image:
            fmt = (image.format or "").upper()
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            {"media": [f"{name} is neither an image (JPEG, PNG, GIF, WEBP) nor a video (MP4, MOV): {error}"]}
        )
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError({"media": [f"{name} is a {fmt or 'unknown'} image; upload JPEG, PNG, GIF or WEBP."]})
    return MediaFacts(kind=Post.MediaKind.IMAGE, format=fmt, bytes=size, width=width, height=height)


def post_media(post: Post) -> channel_rules.Media | None:
    if not post.media_kind:
        return None
    return channel_rules.Media(
        kind=post.media_kind, format=post.media_format, bytes=post.media_bytes or 0,
        width=post.media_width, height=post.media_height, seconds=post.media_seconds,
    )


def post_published_text(*, post: Post, link_url: str | None = None) -> str:
    """The text as the channel will show it: copy, hashtags, and the tracked link where links go in the text."""
    if link_url is None:
        link = getattr(post, "link", None) if post.pk else None
        link_url = tracked_link_url(link) if link is not None else ""
    return channel_rules.published_text(channel=post.channel, text=post.text, hashtags=post.hashtags, link=link_url)


def post_breaches(*, post: Post) -> list[channel_rules.Breach]:
    """Every rule of the post's channel it breaks, with the rule named."""
    return channel_rules.check(channel=post.channel, text=post_published_text(post=post), media=post_media(post))


def _clean(*, campaign: Campaign, channel: str, text, hashtags, scheduled_local) -> tuple[str, list[str], datetime]:
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [f"{channel!r} is not a channel; choose {', '.join(Channel.values)}."]
    if not isinstance(text, str) or not text.strip():
        errors["text"] = ["Write the post's copy."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"At most {MAX_TEXT:,} characters, got {len(text):,}."]
    tags = channel_rules.hashtags_clean(hashtags or [])
    if len(tags) > MAX_HASHTAGS_STORED:
        errors["hashtags"] = [f"At most {MAX_HASHTAGS_STORED} hashtags, got {len(tags)}."]
    when = None
    if not isinstance(scheduled_local, datetime):
        errors["scheduled_at"] = ["Give the date and time the post goes out."]
    else:
        try:
            when = local_to_utc(scheduled_local, zone=campaign.time_zone)
        except LocalTimeError as error:
            errors["scheduled_at"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return text.replace("\r\n", "\n").strip(), tags, when


def _media_apply(post: Post, media) -> None:
    if media is None:
        return
    if media is False:  # taken off
        post.media = ""
        post.media_kind, post.media_format = "", ""
        post.media_bytes = post.media_width = post.media_height = post.media_seconds = None
        return
    facts = media_inspect(media)
    post.media = media
    post.media_kind, post.media_format, post.media_bytes = facts.kind, facts.format, facts.bytes
    post.media_width, post.media_height, post.media_seconds = facts.width, facts.height, facts.seconds


def post_create(
    *, campaign: Campaign, channel: str, text: str, hashtags=(), scheduled_local: datetime, media=None, actor: str,
) -> Post:
    """A draft post of ``campaign`` on ``channel`` with its own tracked link; ``scheduled_local`` is on the
    market's clock. Rules are checked when it is scheduled; ``post_breaches`` shows them before."""
    text, tags, when = _clean(campaign=campaign, channel=channel, text=text, hashtags=hashtags, scheduled_local=scheduled_local)
    if campaign.status in (Campaign.Status.ENDED, Campaign.Status.CANCELLED):
        raise ValidationError({"campaign": [f"Campaign “{campaign.name}” is {campaign.status}: it takes no new posts."]})
    post = Post(campaign=campaign, channel=channel, text=text, hashtags=tags, scheduled_at=when, is_demo=campaign.is_demo)
    _media_apply(post, media)
    with transaction.atomic():
        post.save()
        transitions.record_created(post, actor=actor)
        tracked_link_create(campaign=campaign, post=post, source=channel)
    return post


def post_update(
    *, post_id: int, text: str, hashtags=(), scheduled_local: datetime, media=None, actor: str,
) -> Post:
    """Change a draft or failed post's copy, hashtags, time or media (``media=False`` takes it off)."""
    with transaction.atomic():
        post = Post.objects.select_related("campaign").select_for_update(of=("self",)).get(pk=post_id)
        if post.status not in EDITABLE:
            raise ValidationError({"status": [
                f"{post.transition_label} is {post.status}; only a draft or failed post can be changed "
                "(cancel a scheduled post's hand-over by cancelling it)."
            ]})
        text, tags, when = _clean(campaign=post.campaign, channel=post.channel, text=text, hashtags=hashtags,
                                  scheduled_local=scheduled_local)
        post.text, post.hashtags, post.scheduled_at = text, tags, when
        _media_apply(post, media)
        post.save()
        transitions.record_noted(post, actor=actor, note="copy, hashtags, time or media changed")
    return post


def post_copy_suggest(*, campaign: Campaign, channel: str) -> copywriting.Suggestion:
    """Copy and hashtags suggested from the campaign's concept: its name, attributes and target segment."""
    concept = campaign.concept
    segment = concept.target_segment
    profile = (segment.profile or {}) if segment is not None else {}
    facts = copywriting.ConceptFacts(
        name=concept.name, category=concept.category,
        attributes=tuple(concept.attributes.order_by("kind", "name").values_list("name", flat=True)),
        segment=segment.name if segment is not None else "",
        segment_attributes=tuple(str(a) for a in profile.get("top_attributes", []) or []),
        market=campaign.market,
    )
    return copywriting.suggest(channel=channel, concept=facts)
