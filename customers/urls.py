from django.urls import path

from .views import charts, imports, lists, privacy, products, reviews

app_name = "customers"

urlpatterns = [
    path("", lists.CustomerListView.as_view(), name="list"),
    path("<int:pk>/", lists.CustomerDetailView.as_view(), name="customer"),
    path("<int:pk>/consent/", privacy.CustomerConsentView.as_view(), name="consent"),
    path("<int:pk>/export/", privacy.CustomerExportView.as_view(), name="export"),
    path("<int:pk>/erase/", privacy.CustomerEraseView.as_view(), name="erase"),
    path("orders/", lists.OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", lists.OrderDetailView.as_view(), name="order"),
    path("charts/", charts.SalesChartsView.as_view(), name="charts"),
    path("import/", imports.OrderUploadView.as_view(), name="import"),
    path("import/<int:pk>/", imports.OrderUploadRunView.as_view(), name="import_run"),
    path("imports/", imports.OrderImportListView.as_view(), name="imports"),
    path("mappings/new/", imports.MappingEditView.as_view(), name="mapping_new"),
    path("mappings/<int:pk>/", imports.MappingEditView.as_view(), name="mapping"),
    path("products/", products.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", products.ProductDetailView.as_view(), name="product"),
    path("products/<int:pk>/map/", products.ProductMapView.as_view(), name="product_map"),
    path("products/<int:pk>/unmap/", products.ProductUnmapView.as_view(), name="product_unmap"),
    path("reviews/", reviews.ReviewListView.as_view(), name="reviews"),
    path("reviews/import/", reviews.ReviewImportView.as_view(), name="review_import"),
    path("reviews/import/<int:pk>/", reviews.ReviewImportRunView.as_view(), name="review_import_run"),
    path("reviews/mappings/new/", reviews.ReviewMappingCreateView.as_view(), name="review_mapping_new"),
    path("reviews/mine/", reviews.ReviewRemineView.as_view(), name="review_remine"),
]
