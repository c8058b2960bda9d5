from django.urls import path

from . import views

app_name = "design"

urlpatterns = [
    path("", views.ConceptListView.as_view(), name="list"),
    path("<int:pk>/", views.ConceptDetailView.as_view(), name="detail"),
]
