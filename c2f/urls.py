from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from .api_docs import ApiDocsView

urlpatterns = [
    # First: every factory polls it, and Django tries the patterns in order.
    path("api/v1/factory/", include("production.api.urls")),
    path("", include("c2f.dashboard.urls")),
    path("hotspots/", include("hotspots.urls")),
    path("analysis/", include("analysis.urls")),
    path("design/", include("design.urls")),
    path("samples/", include("samples.urls")),
    path("production/", include("production.urls")),
    path("promotion/", include("promotion.urls")),
    path("customers/", include("customers.urls")),
    path("portraits/", include("portraits.urls")),
    # Public surfaces: buyers' vote links, tracked promotion links (and the factory API, above).
    path("vote/", include("samples.public_urls")),
    path("r/", include("promotion.public_urls")),
    path("api/v1/shop/", include("customers.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
