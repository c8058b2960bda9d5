"""Bulk-upload files of social schedulers, written as each scheduler documents them.

**Hootsuite** (Publisher → Bulk composer, "Schedule posts in bulk"): a CSV with no header row and three
columns — the date and time (24-hour clock; the date order is chosen in the upload dialog, we write
day/month/year, ``31/12/2026 18:00``), the post text, and an optional link. The composer refuses a file
with more than 350 posts, a time less than 10 minutes ahead or whose minutes do not end in 0 or 5, and
the same text twice. Media are attached in the composer's review step; the file cannot carry them.
One file is uploaded for the social profiles chosen in the dialog, so we write one file per channel.
Times are read on the Hootsuite account's clock: the file is written on the campaign's market clock
and names that zone in its file name.

**Publer** (Bulk scheduling → Import from CSV, the twelve-column template): a header row
``Date,Text,Link(s),Media URL(s),Title,Label(s),Alt text(s),Comment(s),Board/Album,Post subtype,CTA,Reminder``
with every column present even when empty; dates as ``YYYY-MM-DD HH:MM``; the link is the post's native
link (a CTA link on Instagram and Pinterest); media as public URLs. Publer takes up to 500 posts per file.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import OutgoingPost, PublishProblem


@dataclass(frozen=True)
class BulkFile:
    filename: str
    content: str
    rows: int


def _local(post: OutgoingPost) -> datetime:
    return post.scheduled_at.astimezone(ZoneInfo(post.time_zone))


def _write(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:60] or "posts"


class HootsuiteFormat:
    key = "hootsuite"
    label = "Hootsuite bulk composer"
    max_rows = 350
    min_lead = timedelta(minutes=10)

    def problems(self, posts: Sequence[OutgoingPost], *, now: datetime) -> list[PublishProblem]:
        found = []
        if len(posts) > self.max_rows:
            found.append(PublishProblem(f"Hootsuite takes at most {self.max_rows} posts per file, these are {len(posts)}."))
        seen: dict[str, int] = {}
        for post in posts:
            local = _local(post)
            if local.minute % 5 or local.second:
                found.append(PublishProblem(
                    f"Post {post.post_id}: Hootsuite schedules only at minutes ending in 0 or 5, this post is at "
                    f"{local:%H:%M}.", post_id=post.post_id))
            if post.scheduled_at < now + self.min_lead:
                found.append(PublishProblem(
                    f"Post {post.post_id}: Hootsuite needs a time at least 10 minutes ahead, this post is at "
                    f"{local:%Y-%m-%d %H:%M} ({post.time_zone}).", post_id=post.post_id))
            text = (post.copy or post.text).strip()
            if text in seen:
                found.append(PublishProblem(
                    f"Post {post.post_id}: Hootsuite refuses the same text twice in a file (post {seen[text]} has it).",
                    post_id=post.post_id))
            seen.setdefault(text, post.post_id)
        return found

    def write(self, posts: Sequence[OutgoingPost], *, campaign: str, channel: str, time_zone: str) -> BulkFile:
        rows = [[f"{_local(p):%d/%m/%Y %H:%M}", p.copy or p.text, p.link_url] for p in posts]
        name = f"hootsuite-{_slug(campaign)}-{channel}-{time_zone.replace('/', '_')}.csv"
        return BulkFile(filename=name, content=_write(rows), rows=len(rows))


class PublerFormat:
    key = "publer"
    label = "Publer bulk import"
    max_rows = 500
    header = ["Date", "Text", "Link(s)", "Media URL(s)", "Title", "Label(s)", "Alt text(s)", "Comment(s)",
              "Board/Album", "Post subtype", "CTA", "Reminder"]

    def problems(self, posts: Sequence[OutgoingPost], *, now: datetime) -> list[PublishProblem]:
        found = []
        if len(posts) > self.max_rows:
            found.append(PublishProblem(f"Publer takes at most {self.max_rows} posts per file, these are {len(posts)}."))
        for post in posts:
            if post.scheduled_at <= now:
                found.append(PublishProblem(f"Post {post.post_id}: its time has passed.", post_id=post.post_id))
            if post.media_url and not post.media_url.startswith(("https://", "http://")):
                found.append(PublishProblem(
                    f"Post {post.post_id}: Publer fetches media from a public address, not {post.media_url}.",
                    post_id=post.post_id))
        return found

    def write(self, posts: Sequence[OutgoingPost], *, campaign: str, channel: str, time_zone: str) -> BulkFile:
        rows = [self.header]
        for p in posts:
            subtype = "reel" if (p.channel == "instagram" and p.media_kind == "video") else ""
            rows.append([f"{_local(p):%Y-%m-%d %H:%M}", p.copy or p.text, p.link_url, p.media_url, "", _slug(campaign), "", "",
                         "", subtype, "", ""])
        name = f"publer-{_slug(campaign)}-{channel}-{time_zone.replace('/', '_')}.csv"
        return BulkFile(filename=name, content=_write(rows), rows=len(rows) - 1)


FORMATS = {f.key: f for f in (HootsuiteFormat(), PublerFormat())}
