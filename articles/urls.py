from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("<slug:section_slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:section_slug>/<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:section_slug>/<slug:slug>/wijzigingen/", views.article_changes, name="changes"),
]
