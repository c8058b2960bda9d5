from django.contrib import admin

from .models import Cycle, CycleEvent, CycleReport, TaskRun
from .services import cycle_close
from .transitions_admin import EventAdmin, EventInline, TransitionAdminMixin, transition_action


class CycleEventInline(EventInline):
    model = CycleEvent


@admin.register(Cycle)
class CycleAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "status", "previous", "is_demo", "created_at", "closed_at")
    list_display_links = ("number", "name")
    list_filter = ("status", "is_demo")
    search_fields = ("name", "number")
    list_select_related = ("previous",)
    autocomplete_fields = ("previous",)
    readonly_fields = ("created_at", "closed_at")
    inlines = [CycleEventInline]
    actions = [
        transition_action(
            lambda pk, actor: cycle_close(cycle_id=pk, actor=actor, note="closed in the admin"),
            name="close", description="Close selected cycles",
        )
    ]


@admin.register(CycleEvent)
class CycleEventAdmin(EventAdmin):
    record_field = "cycle"


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ("kind", "cycle", "status", "done", "total", "percent", "message", "updated_at")
    list_filter = ("status", "kind", "cycle")
    search_fields = ("kind", "message", "error")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(CycleReport)
class CycleReportAdmin(admin.ModelAdmin):
    """Reports are computed (``refresh_cycle_reports``, the daily task); here they are only read."""

    list_display = ("cycle", "as_of", "computed_at", "refreshes", "error")
    list_select_related = ("cycle",)
    readonly_fields = ("cycle", "data", "as_of", "computed_at", "refreshes", "error")

    def has_add_permission(self, request):
        return False
