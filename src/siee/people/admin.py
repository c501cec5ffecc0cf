from django.contrib import admin

from siee.people.models import Consent, Education, Experience, Person, PersonSkill


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0


class ExperienceInline(admin.TabularInline):
    model = Experience
    extra = 0
    raw_id_fields = ("occupation",)


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class SkillInline(admin.TabularInline):
    model = PersonSkill
    extra = 0
    raw_id_fields = ("skill",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Django admin is for system administrators only; staff use the scoped SIEE screens."""

    list_display = ("document_type", "document_number", "first_names", "last_names", "municipality", "status")
    list_filter = ("status", "document_type", "migration_status")
    search_fields = ("document_number", "first_names", "last_names")
    raw_id_fields = ("municipality", "user", "merged_into")
    filter_horizontal = ("desired_occupations",)
    inlines = [ConsentInline, EducationInline, ExperienceInline, SkillInline]
