"""System checks of link 4: the public address that buyers' vote links are made from."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def public_url_is_absolute(app_configs, **kwargs):
    url = settings.C2F_PUBLIC_URL
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return [Error(
            f"C2F_PUBLIC_URL {url!r} is not an absolute http(s) address.",
            hint="Give the address buyers open this site at, with scheme and host, e.g. https://c2f.example.com.",
            id="samples.E001",
        )]
    return []


@register(Tags.security, deploy=True)
def public_url_is_set_in_production(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    if not settings.C2F_PUBLIC_URL:
        return [Error(
            "C2F_PUBLIC_URL is not set: buyers' vote links would lead nowhere, so no invitation is sent.",
            hint="Set C2F_PUBLIC_URL to the address buyers reach this site at, e.g. https://c2f.example.com.",
            id="samples.E002",
        )]
    if urlsplit(settings.C2F_PUBLIC_URL).scheme != "https":
        return [Warning(
            "C2F_PUBLIC_URL is not https: vote links, which let anyone holding them vote, travel in clear text.",
            id="samples.W001",
        )]
    return []
