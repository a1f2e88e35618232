"""The API's one permission rule: the roles' model permissions, as in the admin."""

from rest_framework.permissions import DjangoModelPermissions


class RolePermission(DjangoModelPermissions):
    """Reading needs the model's view permission (every role has it); writing needs add, change or
    delete, which only the analyst role (and, for follow-ups, the manager) holds.

    Views whose queryset is not the model being written name it in `permission_model`.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(view, "permission_model", None)
        if model is None:
            return super().has_permission(request, view)
        return request.user.has_perms(self.get_required_permissions(request.method, model))
