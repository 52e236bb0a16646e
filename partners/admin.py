from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.admin import OTPAdminSite

from .models import (
    ApiToken,
    AuditEntry,
    Contact,
    Department,
    Invitation,
    Membership,
    Organisation,
    ProConnectIdentity,
    Resource,
    ServiceOffer,
    TrainingOffer,
    User,
)

# The admin asks for a verified second factor (django-otp): unreachable without one.
admin.site.__class__ = OTPAdminSite


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    fields = ["organisation", "is_admin", "is_active", "joined_at", "deactivated_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "receives_referrals"]
    list_filter = ["kind", "department", "receives_referrals"]
    search_fields = ["name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: no page, admin or API edits or deletes a row (only the retention purge)."""

    list_display = ["at", "actor", "organisation", "action", "object_type", "object_id", "channel"]
    list_filter = ["action", "object_type", "channel"]
    list_select_related = ["actor", "organisation"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(ServiceOffer)
class ServiceOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "is_active", "last_reviewed_on"]
    list_filter = ["is_active", "organisation__department", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "commune", "department"]
    list_filter = ["category", "department"]
    list_select_related = ["department"]
    search_fields = ["name", "commune"]


@admin.register(TrainingOffer)
class TrainingOfferAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "provider", "kind", "department", "starts_on"]
    list_filter = ["kind", "funder", "certification", "department"]
    list_select_related = ["department"]
    search_fields = ["key", "title", "provider"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from the members page (``partners.actions``)."""

    list_display = ["organisation", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organisation"]
    exclude = ["token_digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only, and never the key (only its digest is stored; the digest is not shown)."""

    list_display = ["prefix", "name", "kind", "user", "organisation", "expires_at", "revoked_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "organisation"]
    exclude = ["digest"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProConnectIdentity)
class ProConnectIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "linked_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
