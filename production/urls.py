from django.urls import path

from . import views

app_name = "production"

urlpatterns = [
    path("", views.ProductionOrderListView.as_view(), name="list"),
    path("board/", views.ProductionBoardView.as_view(), name="board"),
    path("payments/", views.PaymentsDueView.as_view(), name="payments"),
    path("<int:pk>/", views.ProductionOrderDetailView.as_view(), name="detail"),
    path("<int:pk>/receive/", views.ProductionOrderReceiveView.as_view(), name="receive"),
    path("factories/<int:pk>/", views.FactoryDetailView.as_view(), name="factory"),
]
