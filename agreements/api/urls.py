from django.urls import path
from rest_framework.routers import DefaultRouter

from agreements.api import views
from agreements.api.changes import ChangeViewSet
from agreements.api.documents import DocumentViewSet
from agreements.api.drafts import DraftView
from agreements.api.radar import RadarViewSet

router = DefaultRouter()
router.register("states", views.StateViewSet)
router.register("sectors", views.SectorViewSet)
router.register("subjects", views.SubjectViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("people", views.PersonViewSet)
router.register("sources", views.SourceViewSet)
router.register("instruments", views.InstrumentViewSet)
router.register("meetings", views.MeetingViewSet)
router.register("meeting-series", views.MeetingSeriesViewSet, basename="series")
router.register("actions", views.FollowUpActionViewSet, basename="action")
router.register("indicators", views.IndicatorViewSet)
router.register("documents", DocumentViewSet)
router.register("changes", ChangeViewSet, basename="change")
router.register("radar", RadarViewSet, basename="radar")

urlpatterns = [path("drafts/", DraftView.as_view(), name="draft"), *router.urls]
