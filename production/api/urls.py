from django.urls import path

from .guide import FactoryApiGuideView
from .views import FactoryOrderViewSet

app_name = "factory_api"

urlpatterns = [
    path("orders/", FactoryOrderViewSet.as_view({"get": "list"}), name="order-list"),
    path("orders/<str:pk>/", FactoryOrderViewSet.as_view({"get": "retrieve"}), name="order-detail"),
    path("orders/<str:pk>/accept", FactoryOrderViewSet.as_view({"post": "accept"}), name="order-accept"),
    path("orders/<str:pk>/decline", FactoryOrderViewSet.as_view({"post": "decline"}), name="order-decline"),
    path("orders/<str:pk>/progress", FactoryOrderViewSet.as_view({"post": "progress"}), name="order-progress"),
    path("orders/<str:pk>/qc", FactoryOrderViewSet.as_view({"post": "qc"}), name="order-qc"),
    path("orders/<str:pk>/ship", FactoryOrderViewSet.as_view({"post": "ship"}), name="order-ship"),
    path(
        "orders/<str:pk>/shipments/<str:shipment_id>/events",
        FactoryOrderViewSet.as_view({"post": "shipment_events"}),
        name="order-shipment-events",
    ),
    path("guide/", FactoryApiGuideView.as_view(), name="guide"),
]
