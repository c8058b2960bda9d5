from django.urls import path

from .views import FactoryOrderViewSet

app_name = "factory_api"

urlpatterns = [
    path("orders/", FactoryOrderViewSet.as_view({"get": "list"}), name="order-list"),
    path("orders/<int:pk>/", FactoryOrderViewSet.as_view({"get": "retrieve"}), name="order-detail"),
    path("orders/<int:pk>/accept", FactoryOrderViewSet.as_view({"post": "accept"}), name="order-accept"),
    path("orders/<int:pk>/decline", FactoryOrderViewSet.as_view({"post": "decline"}), name="order-decline"),
]
