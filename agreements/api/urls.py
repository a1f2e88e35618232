from rest_framework.routers import DefaultRouter

from agreements.api import views

router = DefaultRouter()
router.register("states", views.StateViewSet)
router.register("sectors", views.SectorViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("people", views.PersonViewSet)
router.register("sources", views.SourceViewSet)
router.register("instruments", views.InstrumentViewSet)
router.register("meetings", views.MeetingViewSet)
router.register("actions", views.FollowUpActionViewSet, basename="action")
router.register("indicators", views.IndicatorViewSet)

urlpatterns = router.urls
