from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.signup_page, name="signup"),
    path("aanmelden/", views.subscribe, name="subscribe"),
    path("aangemeld/", views.pending, name="pending"),
    path("bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("bevestigd/", views.confirmed, name="confirmed"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archief/", views.ArchiveView.as_view(), name="archive"),
    path("<int:pk>/", views.EditionView.as_view(), name="edition"),
]
