from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("feedback/<int:article_id>/", views.vote, name="vote"),
    path("taalfout/<int:article_id>/", views.typo_report, name="typo_report"),
]
