"""What all eight links share: the cycle (one turn of the loop) and task progress."""

from django.db import models
from django.urls import reverse


class Cycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

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
