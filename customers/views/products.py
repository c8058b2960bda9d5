"""Dashboard pages of the shop's products: which concept and variant each SKU is, with suggested matches."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.dashboard.access import MerchandiserWriteMixin
from core.dashboard.charts import bar_chart, stacked_bar_chart
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView

from .. import selectors_products as selectors
from ..filters_products import ProductFilter
from ..forms_products import ProductMapForm
from ..models import Product
from ..review_mining import KINDS
from ..services import product_map, product_unmap


class ProductListView(MerchandiserListView):
    """Every SKU the shops sell, mapped or not; an unmapped one shows its best suggested match."""

    model = Product
    filterset_class = ProductFilter
    template_name = "customers/product_list.html"
    title = "Products"
    sort_fields = {
        "sku": ("sku",),
        "title": ("title",),
        "category": ("category",),
        "units": ("units",),
        "reviews": ("n_reviews",),
        "rating": ("mean_rating",),
    }
    default_sort = "sku"

    def get_queryset(self):
        return selectors.product_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        suggestions = selectors.product_suggestions(products=page, limit=1)
        context["rows"] = [(product, (suggestions.get(product.pk) or [None])[0]) for product in page]
        context["unmapped"] = Product.objects.filter(concept__isnull=True).count()
        return context


class ProductDetailView(MerchandiserDetailView):
    """One product: its mapping (or suggested matches), its reviews, their ratings and what they say."""

    model = Product
    template_name = "customers/product_detail.html"
    context_object_name = "product"

    def get_queryset(self):
        return Product.objects.select_related("concept", "variant").prefetch_related("attributes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        context["suggestions"] = selectors.product_suggestions(products=[product]).get(product.pk, [])
        context["form"] = ProductMapForm(initial={"variant": product.variant_id, "concept": product.concept_id})
        context["reviews"] = selectors.product_reviews(product=product)
        ratings = selectors.product_rating_counts(product=product)
        context["n_reviews"] = sum(ratings)
        if context["n_reviews"]:
            context["rating_chart"] = bar_chart(
                x=["1★", "2★", "3★", "4★", "5★"], y=ratings, title="Rating distribution", y_title="reviews",
            )
        mentions = selectors.product_mention_counts(product=product)
        context["mentions"] = mentions
        if mentions:
            labels = list(dict.fromkeys(m["label"] for m in mentions))[:15]
            context["mentions_chart"] = stacked_bar_chart(
                x=labels,
                stacks={kind: [sum(m["reviews"] for m in mentions if m["label"] == label and m["kind"] == kind)
                               for label in labels] for kind in KINDS},
                title="What the reviews say, by attribute or aspect", y_title="reviews",
            )
        return context


def _back(request, product: Product):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(product.get_absolute_url())


class ProductMapView(MerchandiserWriteMixin, View):
    """Map a product: accept a suggestion in one click, or the variant or concept picked."""

    http_method_names = ["post"]

    def post(self, request, pk):
        product = get_object_or_404(Product, pk=pk)
        form = ProductMapForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return _back(request, product)
        data = form.cleaned_data
        try:
            product = product_map(product=product, variant=data["variant"], concept=data["concept"], how=data["how"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(request, product)
        what = product.variant.sku if product.variant else str(product.concept)
        messages.success(request, f"{product.sku} is now mapped to {what}; its category and attributes are the concept's.")
        return _back(request, product)


class ProductUnmapView(MerchandiserWriteMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        product = product_unmap(product=get_object_or_404(Product, pk=pk))
        messages.success(request, f"{product.sku} is no longer mapped; it has the category and attributes its shop gave.")
        return _back(request, product)
