"""/api/docs/: the API's documentation page, Swagger UI served by the app itself under its CSP.

drf-spectacular's split view serves the page's start-up script from ``/api/docs/?script=``, so
the page needs no inline script; the template here also drops the inline style. (Redoc cannot
be used: it always loads a logo from its makers' site.)
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
