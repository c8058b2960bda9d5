"""The API's JSON parser: DRF's, refusing bodies nested too deeply to handle.

Kept apart from ``core.api`` because DRF reads ``DEFAULT_PARSER_CLASSES`` while its views
module loads, which ``core.api`` imports.
"""

from rest_framework import exceptions, parsers

# No request of ours nests deeper than a few levels; past this a body is refused before any
# code walks it (Python's own limit would turn a deeper one into a server error).
MAX_JSON_DEPTH = 32


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether parsed JSON nests lists and objects more than ``limit`` levels deep (no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply refused as a parse error (400)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = exceptions.ParseError(f"JSON parse error - the body is nested more than {self.max_depth} levels deep.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth_exceeds(data, self.max_depth):
            raise too_deep
        return data
