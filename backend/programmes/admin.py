from django.contrib import admin

from .models import DonorViewer, Funder, Funding, Membership, Organisation, Programme


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "country", "currency", "start_date", "end_date"]
    list_filter = ["country", "organisation"]
    search_fields = ["name", "code"]
    inlines = [FundingInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["funder", "programme", "amount", "currency", "period_start", "period_end"]
    list_filter = ["funder"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "role", "created_at"]
    list_filter = ["role", "programme"]
    raw_id_fields = ["user"]


@admin.register(DonorViewer)
class DonorViewerAdmin(admin.ModelAdmin):
    list_display = ["user", "funder"]
    raw_id_fields = ["user"]
