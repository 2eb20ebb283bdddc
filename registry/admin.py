from django.contrib import admin

from .models import County, Term, Township, Village


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "county"]
    list_filter = ["county", "kind"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "township", "risk_class", "is_active", "merged_into"]
    list_filter = ["township__county", "township", "kind", "risk_class", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["merged_into"]
    list_select_related = ["township", "merged_into"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["year", "reference_date", "starts_on", "ends_on"]
