from django.urls import path

from .views import factories, orders

app_name = "production"

urlpatterns = [
    path("", orders.ProductionOrderListView.as_view(), name="list"),
    path("board/", orders.ProductionBoardView.as_view(), name="board"),
    path("payments/", orders.PaymentsDueView.as_view(), name="payments"),
    path("<int:pk>/", orders.ProductionOrderDetailView.as_view(), name="detail"),
    path("<int:pk>/receive/", orders.ProductionOrderReceiveView.as_view(), name="receive"),
    path("factories/<int:pk>/", factories.FactoryDetailView.as_view(), name="factory"),
]
