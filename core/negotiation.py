"""Content negotiation for the project's APIs, which speak JSON only."""

from rest_framework.negotiation import DefaultContentNegotiation

# What clients of a JSON API send; anything else is negotiated in full.
_PLAIN_ACCEPTS = frozenset({"", "*/*", "application/json"})


class JsonNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered at once for a view with one renderer and an ``Accept`` that
    plainly takes it (none, ``*/*``, ``application/json``) and no ``?format=``: what every
    poll sends. Any other request is negotiated as DRF does, a 406 included."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            len(renderers) == 1
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "").strip() in _PLAIN_ACCEPTS
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            renderer = renderers[0]
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
