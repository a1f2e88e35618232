from django.urls import path

from agreements import views

urlpatterns = [
    path("follow-ups/", views.follow_up_board, name="follow-up-board"),
]
