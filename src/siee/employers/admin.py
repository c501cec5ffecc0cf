from django.contrib import admin

from siee.employers.models import Employer, Vacancy, VacancySkill


class VacancySkillInline(admin.TabularInline):
    model = VacancySkill
    extra = 0
    raw_id_fields = ("skill",)


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_id", "country", "size", "municipality")
    list_filter = ("country", "size")
    search_fields = ("name", "tax_id")
    raw_id_fields = ("municipality", "sector")


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "employer", "status", "municipality", "closing_date")
    list_filter = ("status", "contract_type")
    search_fields = ("code", "title")
    raw_id_fields = ("employer", "occupation", "municipality", "education_level")
    inlines = [VacancySkillInline]
