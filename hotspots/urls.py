from django.urls import path

from . import views

app_name = "hotspots"

urlpatterns = [
    path("", views.HotspotListView.as_view(), name="list"),
    path("<int:pk>/", views.HotspotDetailView.as_view(), name="detail"),
    path("series/<int:pk>/", views.SeriesDetailView.as_view(), name="series"),
    path("watchlists/<int:pk>/", views.WatchlistDetailView.as_view(), name="watchlist"),
]
