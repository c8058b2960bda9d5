"""What each network accepts in a post, checked before a post is scheduled: pure Python, no Django.

Every limit below is one the network documents for what its API (or its composer) accepts; the
source is noted beside each channel. A post that breaks a limit is refused with the rule named
(``Breach.message``), so the merchandiser knows what to change before anything goes out.

The text a rule measures is the post as it will be published (``published_text``): the copy, its
hashtags, and the tracked link on networks where a link in the text is the way to send shoppers.
"""

import re
import unicodedata
from dataclasses import dataclass, field

INSTAGRAM, FACEBOOK, X, TIKTOK, PINTEREST = "instagram", "facebook", "x", "tiktok", "pinterest"
IMAGE, VIDEO = "image", "video"
MB = 1024 * 1024

HASHTAG = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
URL = re.compile(r"https?://\S+", re.IGNORECASE)


@dataclass(frozen=True)
class ChannelRules:
    channel: str
    label: str
    text_max: int
    text_unit: str = "characters"
    x_weighted: bool = False  # X counts by weight: most scripts 1, CJK and emoji 2, every link 23
    utf16: bool = False  # counted in UTF-16 code units (an emoji is 2)
    hashtags_max: int | None = None
    media_required: tuple[str, ...] = ()  # the kinds of media one of which the post must carry
    image_formats: tuple[str, ...] = ("JPEG", "PNG")
    image_max_bytes: int | None = None
    image_min_width: int | None = None
    image_max_width: int | None = None
    aspect_min: float | None = None  # width / height
    aspect_max: float | None = None
    aspect_text: str = ""
    video_formats: tuple[str, ...] = ("MP4", "MOV")
    video_max_bytes: int | None = None
    video_min_seconds: float | None = None
    video_max_seconds: float | None = None
    link_in_text: bool = False  # the tracked link is written into the post's text
    sources: tuple[str, ...] = field(default=(), compare=False)


RULES: dict[str, ChannelRules] = {
    # Instagram Graph API, content publishing and IG Media reference: caption at most 2,200
    # characters and 30 hashtags; images JPEG only, at most 8 MB, aspect ratio from 4:5 to 1.91:1,
    # 320 to 1440 pixels wide; Reels 3 seconds to 15 minutes, MP4 or MOV, at most 300 MB. A feed
    # post needs an image or a video; links in captions are not clickable (the link goes in the bio).
    INSTAGRAM: ChannelRules(
        channel=INSTAGRAM, label="Instagram", text_max=2200, hashtags_max=30, media_required=(IMAGE, VIDEO),
        image_formats=("JPEG",), image_max_bytes=8 * MB, image_min_width=320, image_max_width=1440,
        aspect_min=4 / 5, aspect_max=1.91, aspect_text="from 4:5 to 1.91:1",
        video_max_bytes=300 * MB, video_min_seconds=3, video_max_seconds=15 * 60,
        sources=("developers.facebook.com/docs/instagram-platform/content-publishing",
                 "developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media"),
    ),
    # Facebook Pages: a post's message at most 63,206 characters; Graph API photo uploads JPEG,
    # PNG, GIF, BMP or TIFF up to 10 MB; Page videos up to 240 minutes. Links in the text are clickable.
    FACEBOOK: ChannelRules(
        channel=FACEBOOK, label="Facebook", text_max=63206, image_formats=("JPEG", "PNG", "GIF", "BMP", "TIFF"),
        image_max_bytes=10 * MB, video_max_seconds=240 * 60, link_in_text=True,
        sources=("developers.facebook.com/docs/graph-api/reference/page/photos",
                 "developers.facebook.com/docs/video-api/guides/publishing"),
    ),
    # X developer platform, "Counting characters": 280 by weight (CJK and emoji weigh 2, any link 23);
    # media upload: images JPEG, PNG or WEBP at most 5 MB (GIF 15 MB); video 0.5 to 140 seconds,
    # MP4 or MOV, at most 512 MB.
    X: ChannelRules(
        channel=X, label="X", text_max=280, x_weighted=True, text_unit="weighted characters",
        image_formats=("JPEG", "PNG", "WEBP", "GIF"), image_max_bytes=5 * MB,
        video_max_bytes=512 * MB, video_min_seconds=0.5, video_max_seconds=140, link_in_text=True,
        sources=("docs.x.com/resources/fundamentals/counting-characters",
                 "docs.x.com/x-api/media/quickstart/best-practices"),
    ),
    # TikTok Content Posting API (direct post): the caption ("title") at most 2,200 UTF-16 code units;
    # videos MP4, WebM or MOV, 3 seconds to 10 minutes, at most 4 GB; photo posts JPEG or WEBP at most
    # 20 MB. A post is a video or photos: it needs media.
    TIKTOK: ChannelRules(
        channel=TIKTOK, label="TikTok", text_max=2200, utf16=True, text_unit="UTF-16 units",
        media_required=(VIDEO, IMAGE), image_formats=("JPEG", "WEBP"), image_max_bytes=20 * MB,
        video_formats=("MP4", "MOV", "WEBM"), video_max_bytes=4 * 1024 * MB, video_min_seconds=3,
        video_max_seconds=10 * 60,
        sources=("developers.tiktok.com/doc/content-posting-api-reference-direct-post",
                 "developers.tiktok.com/doc/content-posting-api-media-transfer-guide"),
    ),
    # Pinterest API v5 (create pin) and Pin specs: description at most 500 characters; a Pin needs an
    # image or a video; images PNG or JPEG at most 20 MB, no taller than 1:2.1 (taller Pins are cut
    # off in the feed); videos 4 seconds to 15 minutes, MP4, MOV or M4V, at most 2 GB. The link is the
    # Pin's own destination, not written into the text.
    PINTEREST: ChannelRules(
        channel=PINTEREST, label="Pinterest", text_max=500, media_required=(IMAGE, VIDEO),
        image_max_bytes=20 * MB, aspect_min=1 / 2.1, aspect_text="no taller than 1:2.1",
        video_formats=("MP4", "MOV", "M4V"),
        video_max_bytes=2 * 1024 * MB, video_min_seconds=4, video_max_seconds=15 * 60,
        sources=("developers.pinterest.com/docs/api/v5/pins-create",
                 "help.pinterest.com/en/business/article/pinterest-product-specs"),
    ),
}


@dataclass(frozen=True)
class Media:
    kind: str  # IMAGE or VIDEO
    format: str  # "JPEG", "PNG", "MP4"...
    bytes: int
    width: int | None = None
    height: int | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class Breach:
    rule: str  # "instagram.hashtag_count"
    name: str  # "Instagram hashtag count"
    message: str

    def __str__(self):
        return self.message


def hashtags_clean(raw) -> list[str]:
    """``"#cosy, sherpa  #mermaid"`` → ``["#cosy", "#sherpa", "#mermaid"]``, each once, in order."""
    words = raw if isinstance(raw, list | tuple) else re.split(r"[\s,;]+", raw or "")
    seen, tags = set(), []
    for word in words:
        word = str(word).strip().lstrip("#")
        word = re.sub(r"[^\w]", "", word, flags=re.UNICODE)
        if word and word.lower() not in seen:
            seen.add(word.lower())
            tags.append(f"#{word}")
    return tags


def published_text(*, channel: str, text: str, hashtags=(), link: str = "") -> str:
    """The post's text as the network shows it: copy, hashtags, and the link where links go in the text."""
    rules = RULES[channel]
    parts = [text.strip()]
    if hashtags:
        parts.append(" ".join(hashtags))
    if link and rules.link_in_text:
        parts.append(link)
    return "\n\n".join(part for part in parts if part)


def _x_weight(char: str) -> int:
    code = ord(char)
    light = code <= 0x10FF or 0x2000 <= code <= 0x200D or 0x2010 <= code <= 0x201F or 0x2032 <= code <= 0x2037
    return 1 if light else 2


def text_length(channel: str, text: str) -> int:
    rules = RULES[channel]
    if rules.x_weighted:
        text = unicodedata.normalize("NFC", text)
        links = URL.findall(text)
        rest = URL.sub("", text)
        return 23 * len(links) + sum(_x_weight(char) for char in rest)
    if rules.utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def hashtag_count(text: str) -> int:
    return len(HASHTAG.findall(text))


def _mb(n: int) -> str:
    return f"{n / MB:,.1f} MB".replace(".0 MB", " MB")


def check(*, channel: str, text: str, media: Media | None = None) -> list[Breach]:
    """Every rule of ``channel`` that a post with this published ``text`` and ``media`` breaks; [] when none."""
    rules = RULES[channel]
    label = rules.label
    breaches: list[Breach] = []

    def breach(key: str, name: str, detail: str) -> None:
        breaches.append(Breach(f"{channel}.{key}", f"{label} {name}", f"{label} {name}: {detail}"))

    length = text_length(channel, text)
    if length > rules.text_max:
        breach("text_length", "text length",
               f"at most {rules.text_max:,} {rules.text_unit}, this post has {length:,}.")
    if rules.hashtags_max is not None:
        tags = hashtag_count(text)
        if tags > rules.hashtags_max:
            breach("hashtag_count", "hashtag count", f"at most {rules.hashtags_max} hashtags, this post has {tags}.")
    if media is None:
        if rules.media_required:
            kinds = " or ".join(f"an {k}" if k == IMAGE else f"a {k}" for k in rules.media_required)
            breach("media_required", "media", f"a post needs {kinds}.")
        return breaches
    if media.kind == IMAGE:
        if IMAGE not in rules.media_required and rules.media_required:
            breach("media_kind", "media kind", f"takes {' or '.join(rules.media_required)}, not an image.")
        if media.format not in rules.image_formats:
            breach("image_format", "image format", f"takes {', '.join(rules.image_formats)}, this image is {media.format}.")
        if rules.image_max_bytes is not None and media.bytes > rules.image_max_bytes:
            breach("image_size", "image file size",
                   f"at most {_mb(rules.image_max_bytes)}, this image is {_mb(media.bytes)}.")
        if media.width and rules.image_min_width is not None and media.width < rules.image_min_width:
            breach("image_width", "image width", f"at least {rules.image_min_width} pixels, this image is {media.width}.")
        if media.width and rules.image_max_width is not None and media.width > rules.image_max_width:
            breach("image_width", "image width", f"at most {rules.image_max_width} pixels, this image is {media.width}.")
        if media.width and media.height:
            ratio = media.width / media.height
            low = rules.aspect_min is not None and ratio < rules.aspect_min - 1e-3
            high = rules.aspect_max is not None and ratio > rules.aspect_max + 1e-3
            if low or high:
                breach("image_aspect", "image aspect ratio",
                       f"{rules.aspect_text}, this image is {media.width}×{media.height} ({ratio:.2f}:1).")
    elif media.kind == VIDEO:
        if VIDEO not in rules.media_required and rules.media_required:
            breach("media_kind", "media kind", f"takes {' or '.join(rules.media_required)}, not a video.")
        if media.format not in rules.video_formats:
            breach("video_format", "video format", f"takes {', '.join(rules.video_formats)}, this video is {media.format}.")
        if rules.video_max_bytes is not None and media.bytes > rules.video_max_bytes:
            breach("video_size", "video file size",
                   f"at most {_mb(rules.video_max_bytes)}, this video is {_mb(media.bytes)}.")
        seconds = media.seconds
        if seconds is not None and rules.video_min_seconds is not None and seconds < rules.video_min_seconds:
            breach("video_length", "video length",
                   f"at least {rules.video_min_seconds:g} seconds, this video runs {seconds:.1f}.")
        if seconds is not None and rules.video_max_seconds is not None and seconds > rules.video_max_seconds:
            breach("video_length", "video length",
                   f"at most {rules.video_max_seconds:g} seconds, this video runs {seconds:.1f}.")
    return breaches
