from django.contrib import admin
from django.db.models import Count

from core.transitions_admin import EventAdmin, EventInline, TransitionAdminMixin, transition_action

from .models import Buyer, BuyerPanel, Invitation, Sample, SampleEvent, SamplePhoto, Vote, VoteRound, VoteRoundEvent
from .services import round_close, sample_drop


class SampleEventInline(EventInline):
    model = SampleEvent


class VoteRoundEventInline(EventInline):
    model = VoteRoundEvent


class SamplePhotoInline(admin.TabularInline):
    """Photos are added on the sample's dashboard page, which checks them and makes the thumbnail."""

    model = SamplePhoto
    extra = 0
    fields = ("image", "thumbnail", "caption", "width", "height")
    readonly_fields = ("image", "thumbnail", "width", "height")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SamplePhoto)
class SamplePhotoAdmin(admin.ModelAdmin):
    list_display = ("sample", "caption", "width", "height", "created_at")
    list_select_related = ("sample__concept",)
    search_fields = ("caption", "sample__concept__name")
    fields = ("sample", "image", "thumbnail", "caption", "width", "height", "created_at")
    readonly_fields = ("sample", "image", "thumbnail", "width", "height", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(BuyerPanel)
class BuyerPanelAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("buyers",)


@admin.register(Sample)
class SampleAdmin(TransitionAdminMixin, admin.ModelAdmin):
    inlines = [SamplePhotoInline, SampleEventInline]
    actions = [
        transition_action(
            lambda pk, actor: sample_drop(sample_id=pk, actor=actor, note="dropped in the admin"),
            name="drop", description="Drop selected samples",
        )
    ]
    list_display = ("concept", "version", "status", "is_demo", "created_at")
    list_filter = ("status", "concept__cycle", "is_demo")
    search_fields = ("concept__name", "spec", "change_notes")
    list_select_related = ("concept",)
    autocomplete_fields = ("concept",)
    readonly_fields = ("created_at",)


@admin.register(SampleEvent)
class SampleEventAdmin(EventAdmin):
    record_field = "sample"

    def get_list_select_related(self, request):
        return ("sample__concept",)  # a sample is named after its concept


@admin.register(VoteRoundEvent)
class VoteRoundEventAdmin(EventAdmin):
    record_field = "round"

    def get_list_select_related(self, request):
        return ("round__sample__concept",)  # a round is named after its sample


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "company", "country", "markets", "language", "is_demo")
    list_filter = ("country", "language", "is_demo")
    search_fields = ("name", "email", "company")


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    # The key is what the signed vote link carries: it stays out of the admin.
    fields = ("buyer", "sent_at", "send_attempts", "reminders_sent", "last_error")
    autocomplete_fields = ("buyer",)


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    fields = ("buyer", "score", "would_order_qty", "preferred_variant", "acceptable_price", "market", "comment")
    autocomplete_fields = ("buyer", "preferred_variant")


@admin.register(VoteRound)
class VoteRoundAdmin(TransitionAdminMixin, admin.ModelAdmin):
    # The decision is recorded on the round's page (round_decide), which moves the sample with it.
    state_fields = ("status", "decision", "decision_note", "decided_by", "demand_evidence")
    list_display = ("__str__", "cycle", "status", "decision", "opens_at", "closes_at", "invitation_count", "vote_count", "is_demo")
    list_filter = ("status", "decision", "cycle", "is_demo")
    search_fields = ("sample__concept__name", "decision_note")
    # VoteRound.__str__ names its sample, which names its concept.
    list_select_related = ("cycle", "sample__concept")
    autocomplete_fields = ("cycle", "sample")
    inlines = [InvitationInline, VoteInline, VoteRoundEventInline]
    actions = [
        transition_action(
            lambda pk, actor: round_close(round=VoteRound.objects.get(pk=pk), actor=actor, note="closed in the admin"),
            name="close", description="Close selected rounds",
        )
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            invitation_count=Count("invitations", distinct=True), vote_count=Count("votes", distinct=True)
        )

    @admin.display(description="invited", ordering="invitation_count")
    def invitation_count(self, obj):
        return obj.invitation_count

    @admin.display(description="votes", ordering="vote_count")
    def vote_count(self, obj):
        return obj.vote_count


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("buyer", "round", "sent_at", "send_attempts", "has_error")
    list_filter = ("round__cycle", "round__status")
    search_fields = ("buyer__name", "buyer__email")
    list_select_related = ("buyer", "round__sample__concept")
    autocomplete_fields = ("buyer", "round")
    exclude = ("key",)

    @admin.display(description="error", boolean=True)
    def has_error(self, obj):
        return bool(obj.last_error)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("buyer", "round", "score", "would_order_qty", "acceptable_price", "preferred_variant", "market", "is_demo")
    list_filter = ("score", "market", "round__cycle", "is_demo")
    search_fields = ("buyer__name", "buyer__email", "comment")
    list_select_related = ("buyer", "round__sample__concept", "preferred_variant")
    autocomplete_fields = ("buyer", "round", "preferred_variant")
    readonly_fields = ("created_at", "updated_at")
