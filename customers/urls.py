from django.urls import path

from . import views, views_products, views_reviews

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer"),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("products/", views_products.ProductListView.as_view(), name="products"),
    path("products/<int:pk>/", views_products.ProductDetailView.as_view(), name="product"),
    path("products/<int:pk>/map/", views_products.ProductMapView.as_view(), name="product_map"),
    path("products/<int:pk>/unmap/", views_products.ProductUnmapView.as_view(), name="product_unmap"),
    path("reviews/", views_reviews.ReviewListView.as_view(), name="reviews"),
    path("reviews/import/", views_reviews.ReviewImportView.as_view(), name="review_import"),
    path("reviews/import/<int:pk>/", views_reviews.ReviewImportRunView.as_view(), name="review_import_run"),
    path("reviews/mappings/new/", views_reviews.ReviewMappingCreateView.as_view(), name="review_mapping_new"),
    path("reviews/mine/", views_reviews.ReviewRemineView.as_view(), name="review_remine"),
]
