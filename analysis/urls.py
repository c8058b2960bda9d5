from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="list"),
    path("<int:pk>/", views.OpportunityDetailView.as_view(), name="detail"),
    path("attributes/", views.AttributeDemandView.as_view(), name="attributes"),
]
