from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Bilateral"
admin.site.site_title = "Bilateral"
admin.site.index_title = "From intent to in force"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
