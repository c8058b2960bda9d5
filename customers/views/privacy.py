"""A customer's consent set by hand, their data exported as a file, their erasure: CSRF-checked POSTs to services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from core.dashboard.forms import form_add_service_errors
from core.files import csv_response, json_response
from customers import selectors, services
from customers.forms import ConsentForm, EraseForm
from customers.models import Customer

from .lists import CustomerDetailView


def _actor(request) -> str:
    return request.user.get_username() or f"user {request.user.pk}"


class _CustomerWrite(MerchandiserWriteMixin, View):
    http_method_names = ["post"]

    def refused(self, request, customer, **forms):
        view = CustomerDetailView()
        view.setup(request, pk=customer.pk)
        view.object = customer
        response = view.render_to_response(view.get_context_data(object=customer, **forms))
        response.status_code = 400
        return response


class CustomerConsentView(_CustomerWrite):
    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.customer_consent_set(
                    customer_id=customer.pk, consent=form.cleaned_data["consent"], actor=_actor(request),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
        if form.errors:
            return self.refused(request, customer, consent_form=form)
        messages.success(request, "Marketing consent saved.")
        return redirect(customer.get_absolute_url())


class CustomerEraseView(_CustomerWrite):
    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        form = EraseForm(request.POST)
        if form.is_valid():
            try:
                services.customer_erase(customer_id=customer.pk, actor=_actor(request), reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form_add_service_errors(form, error)
        if form.errors:
            return self.refused(request, customer, erase_form=form)
        messages.success(request, f"Customer #{customer.pk} erased; their orders stay, anonymous.")
        return redirect(customer.get_absolute_url())


class CustomerExportView(MerchandiserRequiredMixin, View):
    """``?as=json`` (everything stored about the customer) or ``?as=csv`` (their order lines); the export is recorded."""

    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        file_format = "csv" if request.GET.get("as") == "csv" else "json"
        services.customer_export_record(customer_id=customer.pk, actor=_actor(request), file_format=file_format)
        name = f"customer-{customer.pk}"
        if file_format == "csv":
            return csv_response(filename=f"{name}-orders.csv", header=selectors.CUSTOMER_ORDER_COLUMNS,
                                rows=selectors.customer_order_rows(customer=customer))
        return json_response(filename=f"{name}.json", data=selectors.customer_data(customer=customer))
