from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import Effect


@admin.register(Effect)
class EffectAdmin(admin.ModelAdmin):
    """The platform admin's list of side effects: the failed ones (filter "Échec définitif") can
    be tried again. Effects hold ids only, never personal data."""

    list_display = ["created_at", "task", "key", "status", "attempts", "due_at", "last_error"]
    list_filter = ["status", "task"]
    search_fields = ["key"]
    readonly_fields = [field.name for field in Effect._meta.fields]
    actions = ["try_again"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Réessayer maintenant"))
    def try_again(self, request, queryset):
        ids = list(queryset.exclude(status=Effect.Status.DONE).values_list("pk", flat=True))
        Effect.objects.filter(pk__in=ids).update(
            status=Effect.Status.PENDING, attempts=0, due_at=timezone.now()
        )
        dispatched = sum(1 for pk in ids if outbox.dispatch(pk))
        self.message_user(
            request,
            _("%(count)s effet(s) transmis de nouveau.") % {"count": dispatched},
            messages.SUCCESS,
        )
