from django.urls import path

from .views import ShopOrderWebhookView

app_name = "shop_api"

urlpatterns = [
    path("webhooks/orders/", ShopOrderWebhookView.as_view(), name="webhook-orders"),
]
