"""Adapters that hand posts to the outside, one module per kind (pure Python, no Django).

The networks cannot be reached from here, so a post goes out one of two ways:

- a **push** publisher (``webhook``) sends each post, when it is due, to a publishing service the
  seller runs or subscribes to, and says at once whether it was taken;
- a **file** publisher (``bulk_csv``) writes a campaign's scheduled posts for one channel into the
  bulk-upload file of a social scheduler (Hootsuite, Publer); the merchandiser uploads it there and
  says whether the scheduler took it.

Services (``promotion.services.publishing``) pick the adapter from the campaign's ``publisher``.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OutgoingPost:
    """What a publisher is told about one post: its text as the channel shows it, link, media and time."""

    post_id: int
    channel: str
    text: str  # the copy with its hashtags (and the link where links go in the text)
    link_url: str
    scheduled_at: datetime  # aware
    time_zone: str
    campaign: str
    concept: str
    copy: str = ""  # the copy with its hashtags, without the link (files carry the link in a column of its own)
    hashtags: tuple[str, ...] = ()
    media_url: str = ""
    media_kind: str = ""
    delivery_id: str = ""


class PublishProblem(ValueError):
    """A post a publisher cannot take as it stands; ``post_id`` says which."""

    def __init__(self, message: str, *, post_id: int | None = None):
        super().__init__(message)
        self.post_id = post_id


from . import bulk_csv, webhook  # noqa: E402  (they use the types above)

FILE_FORMATS = bulk_csv.FORMATS

__all__ = ["FILE_FORMATS", "OutgoingPost", "PublishProblem", "bulk_csv", "webhook"]
