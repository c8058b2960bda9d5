"""What the admin of every record that moves shares: the status read-only (moves go through the
owner's services), the record's timeline inline, and moves offered as admin actions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import transitions


class EventAdmin(admin.ModelAdmin):
    """All events of one kind of record, read-only: only the transitions write them.

    Subclass with ``record_field`` (the foreign key to the record) and register for the event model.
    """

    record_field = ""
    list_filter = ("to_status", "from_status")
    date_hierarchy = "created_at"

    def get_list_display(self, request):
        return (self.record_field, "from_status", "to_status", "actor", "note", "created_at")

    def get_list_select_related(self, request):
        return (self.record_field,)

    def get_search_fields(self, request):
        return ("actor", "note")

    def get_readonly_fields(self, request, obj=None):
        return (self.record_field, "from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request):
        return False


class EventInline(admin.TabularInline):
    """A record's timeline, read-only: only the transitions write it. Subclass with ``model = <its events>``."""

    extra = 0
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ("created_at", "id")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _has_timeline(model) -> bool:
    return any(f.name == "events" and f.one_to_many for f in model._meta.get_fields())


class TransitionAdminMixin:
    """Status read-only; a record added here (or in an inline) in its initial state starts its timeline."""

    state_fields: tuple[str, ...] = ("status",)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*[f for f in self.state_fields if f not in fields], *fields)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            transitions.record_created(obj, actor=request.user.get_username(), note="added in the admin")

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", ()):
            if _has_timeline(type(obj)):
                transitions.record_created(obj, actor=request.user.get_username(), note="added in the admin")


def transition_action(move, *, name: str, description: str):
    """An admin action calling ``move(pk=<id>, actor=<user>)`` for each selected record; a refused
    move is reported with its reason and leaves the others to go ahead."""

    def action(modeladmin, request, queryset):
        moved = 0
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                move(pk=pk, actor=request.user.get_username())
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(request, f"{description}: {moved} done.", messages.SUCCESS)

    action.__name__ = name
    return admin.action(description=description)(action)
