from django.contrib import admin

from siee.matching.models import MatchingConfig, MatchResult, MatchRun


@admin.register(MatchingConfig)
class MatchingConfigAdmin(admin.ModelAdmin):
    list_display = ("version", "organization", "active", "engine_version", "created_by", "created_at")
    list_filter = ("active",)
    readonly_fields = ("version", "weights", "engine_version", "created_by", "created_at")


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("id", "territory", "status", "vacancies", "results_count", "seconds", "started_at")
    list_filter = ("status",)


@admin.register(MatchResult)
class MatchResultAdmin(admin.ModelAdmin):
    list_display = ("run", "vacancy", "person", "rank", "score")
    raw_id_fields = ("run", "vacancy", "person")
