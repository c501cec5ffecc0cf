from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from siee.core.models import AuditEntry, Organization, Territory, User


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "level", "parent")
    list_filter = ("country", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    filter_horizontal = ("members",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "tax_id", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "tax_id")
    filter_horizontal = ("territories",)


@admin.register(User)
class SieeUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "organization", "is_active")
    list_filter = ("role", "organization", "is_active")
    fieldsets = UserAdmin.fieldsets + (("SIEE", {"fields": ("role", "organization")}),)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "channel", "ip")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("actor_label", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
