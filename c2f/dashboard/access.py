"""Who may open a dashboard page: logged-in merchandisers (staff users), read-only."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin


class MerchandiserRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors go to the login page; logged-in non-staff users get 403.

    Dashboard pages only read; every write goes through the admin, commands or services.
    """

    http_method_names = ["get", "head", "options"]

    def test_func(self):
        return self.request.user.is_staff
