"""What all eight links share: the cycle (one turn of the loop), the event row of every record that
moves, and task progress."""

from django.db import models
from django.urls import reverse


class Cycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    # Moved only by core.services (cycle_mark_running, cycle_close) through core.transitions.
    ALLOWED_TRANSITIONS = {
        Status.OPEN: (Status.RUNNING, Status.CLOSED),
        Status.RUNNING: (Status.CLOSED,),
        Status.CLOSED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.CLOSED, Status.RUNNING): "Its portraits opened the next cycle: run that one instead.",
    }

    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Lineage of the loop: cycle n+1 is opened by the portrait run of cycle n.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_cycle"
    )
    is_demo = models.BooleanField(default=False, help_text="Created from bundled demo data.")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return self.name or f"Cycle {self.number}"

    def get_absolute_url(self):
        return reverse("dashboard:cycle", args=[self.number])

    @property
    def transition_label(self) -> str:
        return str(self)


class StatusEvent(models.Model):
    """One line of a record's timeline: who moved it, when, from which state to which, and why.

    Each record that moves has its own concrete table (``ConceptEvent``, ``ProductionEvent`` ...)
    with a foreign key to it named after the record and ``related_name="events"``; only
    ``core.transitions`` writes them. An event whose from and to are equal moved nothing: it notes
    something that happened to the record (a round's decision); from "" is the record's creation.
    """

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def moved(self) -> bool:
        return self.from_status != self.to_status


class CycleEvent(StatusEvent):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["cycle", "created_at", "id"]


class TaskRun(models.Model):
    """Progress of a long piece of work (a Celery task or a command), shown as a progress bar.

    Status lives here rather than in Celery's result backend so the dashboard can
    show it on the embedded default too.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60)
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="task_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} ({self.status})"

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)


class CycleReport(models.Model):
    """The stored report of a cycle (what it bet on, decided and got), computed above the eight links.

    ``data`` is the JSON the report page, its CSV and the cycle comparison read; a refresh replaces it
    only when it is not older than what is stored (``computed_at``), so a slow run finishing late never
    overwrites a newer one.
    """

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="report")
    data = models.JSONField(default=dict)
    as_of = models.DateField(help_text="The day the figures run to.")
    computed_at = models.DateTimeField()
    refreshes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the last refresh failed, if it did.")

    class Meta:
        ordering = ["-cycle__number"]

    def __str__(self):
        return f"Report of {self.cycle}"

    def get_absolute_url(self):
        return reverse("dashboard:cycle_report", args=[self.cycle.number])
