"""What the project's JSON APIs share: one JSON shape for every error
({"error": {"code", "message", "detail"}}) and the Content-Security-Policy of a JSON body.
Their content negotiation is ``core.negotiation``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

# A JSON body loads nothing and is framed by no one; a browser that opens one runs nothing.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class JsonApiView:
    """Mixed into every JSON API view, before DRF's view class: each response carries the
    policy of a JSON body (``core.csp.CSPMiddleware`` then leaves it as it is)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
        return response


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The body is larger than the {limit} bytes this API accepts.")


def exception_handler(exc, context):
    # Django's own exceptions carry no DRF code; give them the one DRF would.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = getattr(exc, "default_code", "error")
    if hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    if isinstance(data, dict) and set(data) == {"detail"}:
        message, detail = str(data["detail"]), None
    else:
        message, detail = "The request is not valid.", data
    response.data = {"error": {"code": code, "message": message, "detail": detail}}
    return response
