from django.urls import path

from . import views

app_name = "production"

urlpatterns = [
    path("", views.ProductionOrderListView.as_view(), name="list"),
    path("<int:pk>/", views.ProductionOrderDetailView.as_view(), name="detail"),
    path("factories/<int:pk>/", views.FactoryDetailView.as_view(), name="factory"),
]
