from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.debug import sensitive_variables
from django.views.generic import FormView, ListView, TemplateView

from core.dashboard.access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserDetailView

from .. import api_keys, selectors, services
from ..forms import FactoryForm, FactoryKeyForm
from ..models import Factory, FactoryApiKey


@sensitive_variables("raw_key")
def key_issued_response(request, *, factory: Factory, raw_key: str, new_factory: bool = False):
    """The one page that shows a raw key: rendered as the answer to the POST that made it, never stored."""
    api_key = FactoryApiKey.objects.get(prefix=api_keys.key_prefix(raw_key))
    response = render(
        request,
        "production/factory_key_issued.html",
        {"factory": factory, "raw_key": raw_key, "api_key": api_key, "new_factory": new_factory},
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class FactoryListView(MerchandiserRequiredMixin, ListView):
    """Every factory with its terms, open orders, balance due and scorecard, in a few queries."""

    template_name = "production/factory_list.html"
    context_object_name = "factories"
    paginate_by = 50

    def get_queryset(self):
        return selectors.factory_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        factories = list(context["factories"])
        cards = selectors.factory_scorecards(factory_ids=[f.pk for f in factories])
        for factory in factories:
            factory.scorecard = cards[factory.pk]
        context["factories"] = factories
        return context


class FactoryCreateView(MerchandiserWriteMixin, FormView):
    form_class = FactoryForm
    template_name = "production/factory_form.html"

    @sensitive_variables("raw_key")
    def form_valid(self, form):
        try:
            factory, raw_key = services.factory_create(**form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        return key_issued_response(self.request, factory=factory, raw_key=raw_key, new_factory=True)


class FactoryEditView(MerchandiserWriteMixin, FormView):
    form_class = FactoryForm
    template_name = "production/factory_form.html"

    @cached_property
    def factory(self) -> Factory:
        return get_object_or_404(Factory, pk=self.kwargs["pk"])

    def get_initial(self):
        f = self.factory
        return {
            "name": f.name, "categories": "\n".join(f.categories or []), "min_batch": f.min_batch,
            "lead_time_days": f.lead_time_days, "weekly_capacity": f.weekly_capacity,
            "deposit_percent": f.deposit_percent,
            "price_list": dict(f.price_list) if isinstance(f.price_list, dict) else {},
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "factory": self.factory}

    def form_valid(self, form):
        try:
            services.factory_update(factory=self.factory, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Profile of {self.factory.name} saved.")
        return redirect(self.factory.get_absolute_url())


class FactoryDetailView(MerchandiserDetailView):
    model = Factory
    template_name = "production/factory_detail.html"
    context_object_name = "factory"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        factory = self.object
        context["orders"] = (
            factory.orders.select_related("cycle", "sample__concept").annotate(units=Sum("lines__quantity")).order_by("-created_at")[:100]
        )
        context["api_keys"] = selectors.factory_api_key_list(factory=factory)
        context["key_form"] = FactoryKeyForm()
        prices = factory.price_list if isinstance(factory.price_list, dict) else {}
        context["prices"] = sorted(prices.items(), key=lambda item: str(item[0]).casefold())
        context["scorecard"] = selectors.factory_scorecard(factory=factory)
        context["ledger"] = list(selectors.factory_ledger(factory=factory))
        context["balance_due"] = sum(entry.amount for entry in context["ledger"])
        context["balances_due"] = selectors.balances_by_currency(factory=factory)
        context["groups"] = selectors.production_component_groups(factory=factory)
        return context


class FactoryKeyIssueView(MerchandiserRequiredMixin, View):
    """POST only: a new key for the factory, shown once in the answer."""

    http_method_names = ["post"]

    @sensitive_variables("raw_key")
    def post(self, request, pk):
        factory = get_object_or_404(Factory, pk=pk)
        form = FactoryKeyForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[field].label if field in form.fields else field}: {error}")
            return redirect(factory.get_absolute_url())
        try:
            raw_key = services.factory_api_key_create(factory=factory, name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Key name: {message}")
            return redirect(factory.get_absolute_url())
        return key_issued_response(request, factory=factory, raw_key=raw_key)


class FactoryKeyRevokeView(MerchandiserWriteMixin, TemplateView):
    """GET asks to confirm; POST revokes the key, which the API refuses from then on."""

    template_name = "production/factory_key_revoke.html"

    @cached_property
    def factory(self) -> Factory:
        return get_object_or_404(Factory, pk=self.kwargs["pk"])

    @cached_property
    def api_key(self) -> FactoryApiKey:
        # A key id of another factory is not found under this factory's address.
        return get_object_or_404(FactoryApiKey, pk=self.kwargs["key_pk"], factory=self.factory)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "factory": self.factory, "api_key": self.api_key}

    def post(self, request, *args, **kwargs):
        was_revoked = self.api_key.revoked_at is not None
        try:
            api_key = services.factory_api_key_revoke(key_id=self.api_key.pk, factory=self.factory)
        except FactoryApiKey.DoesNotExist as exc:
            raise Http404("No such key for this factory.") from exc
        if was_revoked:
            messages.info(request, f"Key {api_key.prefix}… was already revoked.")
        else:
            messages.success(request, f"Key {api_key.prefix}… revoked: the API refuses it from now on.")
        return redirect(reverse("production:factory", args=[self.factory.pk]))
