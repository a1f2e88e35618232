from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Bilateral"
admin.site.site_title = "Bilateral"
admin.site.index_title = "From intent to in force"
# The lists are wide (parties, dates, projections): give them the whole page.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
