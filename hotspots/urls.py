from django.urls import path

from . import views

app_name = "hotspots"

urlpatterns = [
    path("", views.HotspotListView.as_view(), name="list"),
    path("<int:pk>/", views.HotspotDetailView.as_view(), name="detail"),
    path("keyword/", views.KeywordView.as_view(), name="keyword"),
    path("series/<int:pk>/", views.SeriesDetailView.as_view(), name="series"),
    path("watchlists/new/", views.WatchlistCreateView.as_view(), name="watchlist_create"),
    path("watchlists/<int:pk>/", views.WatchlistDetailView.as_view(), name="watchlist"),
    path("watchlists/<int:pk>/edit/", views.WatchlistEditView.as_view(), name="watchlist_edit"),
    path("import/", views.TrendImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.TrendImportRunView.as_view(), name="import_run"),
    path("imports/", views.TrendImportListView.as_view(), name="imports"),
    path("score/", views.HotspotScoreView.as_view(), name="score"),
    path("score/<int:pk>/", views.HotspotScoreRunView.as_view(), name="score_run"),
]
