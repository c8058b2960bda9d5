"""Who may open a dashboard page: logged-in merchandisers (staff users)."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin


class MerchandiserRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors go to the login page; logged-in non-staff users get 403.

    Pages built on it only read; a page that writes uses ``MerchandiserWriteMixin``.
    """

    http_method_names = ["get", "head", "options"]

    def test_func(self):
        return self.request.user.is_staff


class MerchandiserWriteMixin(MerchandiserRequiredMixin):
    """A staff-only page that also takes a POST (CSRF-checked); the write goes through a service."""

    http_method_names = ["get", "post", "head", "options"]
