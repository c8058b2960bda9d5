"""django-csp's middleware, told that a response which brings its own policy needs no other.

django-csp builds the site's policy for every response and then keeps a policy the
response already carries. The JSON API sets a fixed one of its own
(``core.api.API_CONTENT_SECURITY_POLICY``): building the site's, with a nonce
machinery a JSON body never uses, would cost a poll more than the rest of its
headers. Every other response is handled by django-csp unchanged.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware as _CSPMiddleware
from django.conf import settings


class CSPMiddleware(_CSPMiddleware):
    def process_response(self, request, response):
        if HEADER in response and (
            HEADER_REPORT_ONLY in response or not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        ):
            return response
        return super().process_response(request, response)
