from django.urls import path

from . import views

app_name = "design"

urlpatterns = [
    path("", views.ConceptListView.as_view(), name="list"),
    path("new/", views.ConceptCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ConceptDetailView.as_view(), name="detail"),
    path("<int:pk>/costing/", views.ConceptCostingView.as_view(), name="costing"),
    path("<int:pk>/mix/", views.ConceptMarketMixView.as_view(), name="mix"),
    path("compliance/<int:pk>/", views.ComplianceCheckView.as_view(), name="compliance_check"),
    path("compliance/<int:pk>/evidence/", views.ComplianceEvidenceView.as_view(), name="compliance_evidence"),
]
