"""Order exports uploaded from the dashboard (several at once, a progress bar, a report per file), the log of
every import, and the column mappings that read any marketplace's export."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from core.dashboard.access import MerchandiserWriteMixin
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserListView, TaskRunDetailView
from core.files import FileProblem
from core.models import TaskRun
from core.selectors import cycle_current
from customers import selectors, services
from customers.filters import OrderImportFilter
from customers.forms import MappingForm, MappingSampleForm, OrderUploadForm
from customers.importers import ImportRefused, preview
from customers.models import OrderColumnMapping, OrderImport
from customers.services.uploads import KIND
from customers.tasks import import_uploads


class OrderUploadView(MerchandiserWriteMixin, FormView):
    form_class = OrderUploadForm
    template_name = "customers/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = list(TaskRun.objects.filter(kind=KIND).order_by("-created_at", "-id")[:10])
        context["mappings"] = selectors.column_mapping_list()
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            run = services.orders_upload_stage(
                files=[(f.name, f.read()) for f in data["files"]], fmt=data["format"], mapping=data["mapping"],
                partial=data["partial"], currency=data["currency"], market=data["market"], cycle=cycle_current(),
                actor=self.request.user.get_username(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        import_uploads.delay_on_commit(run.pk)
        return redirect("customers:import_run", pk=run.pk)


class OrderUploadRunView(TaskRunDetailView):
    """One upload's progress bar and per-file report; htmx polls the report part until the run ends."""

    task_kind = KIND
    template_name = "customers/import_run.html"
    partial_template_name = "customers/_import_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = selectors.order_imports_of_run(task_run_id=self.object.pk)
        return context


class OrderImportListView(MerchandiserListView):
    model = OrderImport
    filterset_class = OrderImportFilter
    template_name = "customers/orderimport_list.html"
    title = "Order imports"
    sort_fields = {"created": ("created_at",), "filename": ("filename",), "status": ("status",)}
    default_sort = "-created"

    def get_queryset(self):
        return selectors.order_import_list()


class MappingEditView(MerchandiserWriteMixin, TemplateView):
    """Build a column mapping: upload a sample export (and its items file), see its first rows, pick which
    column holds each fact of an order, save by name. ``pk`` edits a saved mapping."""

    template_name = "customers/mapping_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.mapping = get_object_or_404(OrderColumnMapping, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", None)
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        form = self._mapping_form(self._headers_of(self.mapping)) if self.mapping else None
        return self.render_to_response(self.get_context_data(sample_form=MappingSampleForm(), form=form))

    @staticmethod
    def _headers_of(mapping) -> tuple[list[str], list[str]]:
        headers = sorted(set(mapping.columns.values()))
        items = sorted(set(mapping.item_columns.values())) if mapping.item_columns else []
        return headers, items

    def _mapping_form(self, headers, data=None):
        order_headers, item_headers = headers
        return MappingForm(data, instance=self.mapping, headers=order_headers, item_headers=item_headers)

    def post(self, request, *args, **kwargs):
        if "sample" in request.FILES:
            return self._preview(request)
        return self._save(request)

    def _preview(self, request):
        sample_form = MappingSampleForm(request.POST, request.FILES)
        context = {"sample_form": sample_form}
        if sample_form.is_valid():
            try:
                files = [("sample", sample_form.cleaned_data["sample"])]
                if sample_form.cleaned_data.get("items_sample"):
                    files.append(("items_sample", sample_form.cleaned_data["items_sample"]))
                previews = {}
                for field, upload in files:
                    previews[field] = preview(upload.read(), upload.name, rows=5)
            except (FileProblem, ImportRefused) as problem:
                sample_form.add_error("sample", str(problem))
            else:
                header, rows = previews["sample"]
                item_header, item_rows = previews.get("items_sample", ([], []))
                if not header:
                    sample_form.add_error("sample", "The file has no header row.")
                else:
                    context.update(form=self._mapping_form((header, item_header)), preview_header=header,
                                   preview_rows=rows, item_preview_header=item_header, item_preview_rows=item_rows)
        status = 200 if not sample_form.errors else 400
        return self.render_to_response(self.get_context_data(**context), status=status)

    def _save(self, request):
        try:
            headers = json.loads(request.POST.get("sample_headers") or "[]")
            item_headers = json.loads(request.POST.get("sample_item_headers") or "[]")
            if not all(isinstance(h, str) for h in [*headers, *item_headers]):
                raise ValueError
        except ValueError:
            headers, item_headers = [], []
        form = self._mapping_form((headers, item_headers), data=request.POST)
        if form.is_valid():
            columns, items = form.mapped()
            settings = {k: form.cleaned_data[k] for k in form.Meta.fields if k != "name"}
            try:
                saved = services.column_mapping_save(
                    name=form.cleaned_data["name"], columns=columns, item_columns=items, mapping=self.mapping, **settings,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Column mapping {saved.name!r} saved; choose it when uploading.")
                return redirect("customers:import")
        return self.render_to_response(
            self.get_context_data(form=form, sample_form=MappingSampleForm()), status=400,
        )
