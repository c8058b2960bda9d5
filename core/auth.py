"""Logins under attack: the address a failure is counted against, and the page a locked-out login sees.

django-axes counts failed logins per account and address (``AXES_LOCKOUT_PARAMETERS``) on the
dashboard's login and the admin's; past ``AXES_FAILURE_LIMIT`` failures that pair is refused,
right password or not, until ``AXES_COOLOFF_TIME`` has passed or an administrator deletes its
access attempts in the admin.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict, ErrorList
from django.template.response import TemplateResponse


def client_ip(request) -> str | None:
    """The address a login comes from.

    ``REMOTE_ADDR``, unless ``C2F_TRUSTED_PROXIES`` proxies stand in front of the app: then the
    address the outermost of them saw, read from the right of ``X-Forwarded-For`` (the entries
    left of it are whatever the client chose to send).
    """
    proxies = settings.C2F_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed logins for this account from your address: logging in is locked for {minutes} "
        "minutes, whatever the password. Try again later, or ask an administrator to unlock it "
        "(admin, Axes · Access attempts)."
    )


def lockout_response(request, original_response=None, credentials=None):
    """The login page the attempt came from (dashboard or admin), saying it is locked out (429)."""
    message = lockout_message()
    context = dict(getattr(original_response, "context_data", None) or {})
    template = getattr(original_response, "template_name", None) or "registration/login.html"
    form = context.get("form") or AuthenticationForm(request)
    # Only the lockout is said: "wrong password" would be untrue for the right one.
    form._errors = ErrorDict({"__all__": ErrorList([message])})
    context.update(form=form, locked_out=message)
    response = TemplateResponse(request, template, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    return response.render()
