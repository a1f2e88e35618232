from django.urls import path

from agreements import views

urlpatterns = [
    path("", views.home, name="home"),
    path("follow-ups/", views.follow_up_board, name="follow-up-board"),
    path("follow-ups/<int:pk>/", views.follow_up_page, name="follow-up-page"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument-page"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-page"),
    path("intake/", views.intake, name="intake"),
    path("intake/record/", views.intake_record, name="intake-record"),
    path("relations/<str:pair>/", views.relationship, name="relationship"),
    path("relations/<str:pair>/brief/", views.brief, name="relationship-brief"),
    path("radar/", views.radar, name="radar"),
    path("coverage/", views.coverage, name="coverage"),
    path("search/", views.search, name="search"),
    path("documents/<int:pk>/file/", views.document_file, name="document-file"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("calendar/<str:token>/<str:pair>.ics", views.calendar_feed, name="calendar-pair"),
]
