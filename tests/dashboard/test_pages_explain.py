"""After the demo loop, every dashboard page a merchandiser can reach speaks in words and formatted
figures: no raw True/False/None, no dumped dicts or JSON, no unrounded decimals, no pointer to a
file in the repository."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Paths that are not dashboard pages: the admin, the API, public surfaces, downloads and forms that write.
SKIP = re.compile(r"^/(admin|api|vote|r|static|media|accounts)/|/(export|download)|\.(csv|json|png|js|css)$")
MOST_PAGES = 400

RAW = [
    # "None yet." and "None saved." are words; a None in a cell is not.
    (re.compile(r"(?<![\w-])(True|False|nan|NaN|None(?!\s+(yet|saved|scored)\b))(?![\w-])"), "a raw Python value"),
    (re.compile(r"\{['\"]|\[\{|['\"]\s*:\s*[\[{'\"\d]"), "a dumped dict or JSON"),
    (re.compile(r"\d[.,]\d{5,}"), "an unrounded number"),
    (re.compile(r"\b\w+\.(md|py)\b"), "a pointer to a file in the repository"),
]


class _Page(HTMLParser):
    """The text a reader sees (scripts, styles, code samples and attributes left out) and the links."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre", "textarea", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre", "textarea", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _crawl(client):
    seen, queue, problems = {"/"}, deque(["/"]), []
    while queue and len(seen) <= MOST_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = re.sub(r"\s+", " ", " ".join(page.text))
        for pattern, what in RAW:
            for match in pattern.finditer(text):
                problems.append(f"{url}: {what}: …{text[max(0, match.start() - 60):match.end() + 40]}…")
        for href in page.links:
            parts = urlsplit(urljoin(url, href))
            if parts.netloc or parts.scheme not in ("", "http") or SKIP.search(parts.path):
                continue
            # Sorting and paging show the same rows again: one of each list is enough.
            query = "&".join(p for p in parts.query.split("&") if p and not p.startswith(("sort=", "page=", "todo=")))
            target = parts.path + (f"?{query}" if query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen, problems


def test_every_page_after_the_demo_explains_instead_of_dumping(client, settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    call_command("run_cycle", stdout=open(tmp_path / "run_cycle.log", "w"))
    staff = get_user_model().objects.create_user(username="merch", password="x", is_staff=True)
    client.force_login(staff)
    seen, problems = _crawl(client)
    assert len(seen) > 60, f"only {len(seen)} pages reached"
    assert not problems, "\n".join(problems[:40])
