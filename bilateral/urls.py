from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bilateral import views

admin.site.site_header = "Bilateral"
admin.site.site_title = "Bilateral"
admin.site.index_title = "From intent to in force"
# The lists are wide (parties, dates, projections): give them the whole page.
admin.site.enable_nav_sidebar = False
admin.site.site_url = "/"  # "View site": the managers' pages
admin.site.empty_value_display = "—"  # as on the pages

handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("", include("agreements.urls")),
    path("api/v1/", include("agreements.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from a URL: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
