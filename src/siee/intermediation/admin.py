"""Read-mostly admin views of the intermediation records (writes belong to the services)."""

from django.contrib import admin

from siee.intermediation.models import FollowUp, Notification, Placement, Referral


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "person", "vacancy", "status", "score", "engine_version", "weights_version", "referred_at")
    list_filter = ("status", "engine_version")
    raw_id_fields = ("person", "vacancy", "application")


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("id", "person", "employer", "source", "start_date", "contract_type", "monthly_wage", "formal")
    list_filter = ("source", "contract_type", "formal")
    raw_id_fields = ("person", "vacancy", "employer", "referral")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("id", "placement", "months_after", "due_date", "assigned_to", "done_at", "still_employed")
    list_filter = ("months_after",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "template", "channel", "backend", "recipient", "status", "created_at")
    list_filter = ("template", "channel", "status", "backend")
