from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "Bilateral"
admin.site.site_title = "Bilateral"
admin.site.index_title = "From intent to in force"
# The lists are wide (parties, dates, projections): give them the whole page.
admin.site.enable_nav_sidebar = False
admin.site.site_url = "/"  # "View site": the managers' pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("agreements.urls")),
    path("api/v1/", include("agreements.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
