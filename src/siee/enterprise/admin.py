"""Admin of the enterprise app: the configurable parts (advisory route steps, diagnosis questionnaires) are
editable by the agency admin; business records are read-only here (writes belong to the services)."""

from django.contrib import admin

from siee.enterprise.models import (
    BusinessInitiative,
    GrantCall,
    ProcurementNeed,
    Questionnaire,
    RouteStep,
    SupplierInteraction,
)


@admin.register(RouteStep)
class RouteStepAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "kind", "required", "required_before", "organization")
    list_filter = ("organization", "kind", "required")


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BusinessInitiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ("name", "stage", "municipality", "registered", "public")
    list_filter = ("stage", "registered", "public")
    search_fields = ("name", "tax_id")


@admin.register(GrantCall)
class GrantCallAdmin(ReadOnlyAdmin):
    list_display = ("name", "opens_on", "closes_on", "amount_per_award", "budget")


@admin.register(ProcurementNeed)
class ProcurementNeedAdmin(ReadOnlyAdmin):
    list_display = ("title", "municipality", "local_only", "status")


@admin.register(SupplierInteraction)
class SupplierInteractionAdmin(ReadOnlyAdmin):
    list_display = ("need", "initiative", "step", "value", "at")
