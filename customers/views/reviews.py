"""Dashboard pages of reviews: the list with its charts, uploads with their progress and report, column mappings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views import View

from core.dashboard.access import MerchandiserWriteMixin
from core.dashboard.charts import bar_chart, stacked_bar_chart
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserFormView, MerchandiserListView, TaskRunDetailView
from core.files import FileProblem

from .. import selectors_reviews as selectors
from ..filters_reviews import ReviewFilter
from ..forms_reviews import ReviewMappingForm, ReviewUploadForm
from ..importers.reviews import guess_mapping, preview
from ..models import Review, ReviewColumnMapping, ReviewUpload
from ..review_mining import KINDS
from ..services import review_mapping_save, review_mentions_refresh, review_upload_stage
from ..tasks import import_review_uploads


class ReviewListView(MerchandiserListView):
    """Reviews with filters (rating, product, concept, what was mined), their ratings and what they say."""

    model = Review
    filterset_class = ReviewFilter
    template_name = "customers/review_list.html"
    title = "Reviews"
    sort_fields = {"created": ("created_at",), "rating": ("rating",), "product": ("product__sku",)}
    default_sort = "-created"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("product__concept", "customer")
            .prefetch_related("mentions__attribute")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.object_list  # filtered, or none when a filter is bad
        ratings = selectors.review_rating_counts(reviews=reviews)
        if any(ratings):
            context["rating_chart"] = bar_chart(
                x=["1★", "2★", "3★", "4★", "5★"], y=ratings, title="Rating distribution", y_title="reviews",
            )
        talked = selectors.review_mentions_by_attribute(reviews=reviews)
        if talked:
            context["mentions_chart"] = stacked_bar_chart(
                x=[label for label, _ in talked], stacks={kind: [c[kind] for _, c in talked] for kind in KINDS},
                title="Complaints, requests and praise by attribute", y_title="reviews",
            )
        return context


class ReviewImportView(MerchandiserFormView):
    """Upload several review exports; a task imports them while the next page shows progress and a report per file."""

    form_class = ReviewUploadForm
    template_name = "customers/review_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = selectors.review_import_runs()
        context["imports"] = selectors.review_imports_recent()
        context["mappings"] = ReviewColumnMapping.objects.order_by("name")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            run = review_upload_stage(
                files=[(f.name, f.read()) for f in data["files"]], fmt=data["format"], mapping=data["mapping"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        import_review_uploads.delay_on_commit(run.pk)
        return redirect("customers:review_import_run", pk=run.pk)


class ReviewImportRunView(TaskRunDetailView):
    """One upload: the progress bar (``dashboard/_task_progress.html``) and the report of each file, polled by htmx."""

    task_kind = ReviewUpload.TASK_KIND
    template_name = "customers/review_import_run.html"
    partial_template_name = "customers/_review_import_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = selectors.review_imports_of_run(task_run=self.object)
        return context


class ReviewMappingCreateView(MerchandiserFormView):
    """Name a column mapping for another shop's review CSV, seeing a sample file's columns and first rows."""

    form_class = ReviewMappingForm
    template_name = "customers/review_mapping_form.html"

    def form_valid(self, form):
        if "preview" in self.request.POST:
            sample = form.cleaned_data.get("sample")
            if sample is None:
                form.add_error("sample", "Choose a sample file to see its columns.")
                return self.form_invalid(form)
            return self._preview(form, sample)
        try:
            mapping = review_mapping_save(
                name=form.cleaned_data["name"], columns=form.columns(), rating_scale=form.cleaned_data["rating_scale"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = f"col_{field}" if f"col_{field}" in form.fields else (field if field in form.fields else None)
                for problem in problems:
                    form.add_error(target, problem)
            return self.form_invalid(form)
        messages.success(request=self.request, message=f"Mapping {mapping.name!r} saved; choose it when you upload.")
        return redirect("customers:review_import")

    def _preview(self, form, sample):
        try:
            header, rows = preview(sample.read(), sample.name)
        except FileProblem as problem:
            form.add_error("sample", problem.message)
            return self.form_invalid(form)
        initial = {name: value for name, value in form.data.items() if name in form.fields and name != "sample"}
        for field, column in guess_mapping(header).items():
            if not initial.get(f"col_{field}"):
                initial[f"col_{field}"] = column
        fresh = self.form_class(initial=initial)
        return self.render_to_response(self.get_context_data(form=fresh, header=header, rows=rows))


class ReviewRemineView(MerchandiserWriteMixin, View):
    """Read every review again against the lexicon as it is now, and hand the evidence to analysis."""

    http_method_names = ["post"]

    def post(self, request):
        found = review_mentions_refresh()
        messages.success(request, f"Reviews read again: {found} complaints, requests and praise found.")
        return redirect("customers:reviews")
