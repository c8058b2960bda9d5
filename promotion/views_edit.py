"""Dashboard pages that write: planning and editing campaigns, posts and links, moving them, bulk files."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserFormView
from core.transitions import TransitionNotAllowed
from production.models import ProductionOrder

from . import services
from .forms import BulkExportForm, CampaignCreateForm, CampaignPlanForm, PostCreateForm, PostForm, ReasonForm, TrackedLinkForm
from .markets import utc_to_local
from .models import BulkExport, Campaign, Post, TrackedLink
from .services.links import UTM_FIELDS


def _actor(request) -> str:
    return request.user.get_username()


class CampaignCreateView(MerchandiserFormView):
    form_class = CampaignCreateForm
    template_name = "promotion/campaign_form.html"

    def get_initial(self):
        initial = {"publisher": "webhook", "suggest_posts": True, "channels": ["instagram", "pinterest", "tiktok"]}
        for kind in ("order", "sample"):
            if self.request.GET.get(kind, "").isdigit():
                initial["source"] = f"{kind}:{self.request.GET[kind]}"
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        source = data.pop("source")
        kind = "production_order" if isinstance(source, ProductionOrder) else "sample"
        try:
            campaign = services.campaign_plan(**{kind: source}, actor=_actor(self.request), **data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Campaign “{campaign.name}” planned as a draft.")
        return redirect(campaign.get_absolute_url())


class CampaignUpdateView(MerchandiserFormView):
    form_class = CampaignPlanForm
    template_name = "promotion/campaign_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        c = self.campaign
        return {"name": c.name, "market": c.market, "time_zone": c.time_zone, "starts_on": c.starts_on,
                "ends_on": c.ends_on, "channels": c.channels, "budget": c.budget, "currency": c.currency,
                "publisher": c.publisher}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "campaign": self.campaign}

    def form_valid(self, form):
        try:
            campaign = services.campaign_update(campaign_id=self.campaign.pk, actor=_actor(self.request), **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Plan saved.")
        return redirect(campaign.get_absolute_url())


class _ActionView(MerchandiserRequiredMixin, View):
    """A POST that moves a record through its transition; a refusal comes back as a message naming the reason."""

    http_method_names = ["post"]

    def run(self, request, pk):  # returns (record to go back to, success message)
        raise NotImplementedError

    def post(self, request, pk):
        try:
            target, done = self.run(request, pk)
        except (ValidationError, TransitionNotAllowed) as error:
            text = " ".join(getattr(error, "messages", None) or [str(error)])
            messages.error(request, text)
            return redirect(self.back(pk))
        messages.success(request, done)
        return redirect(target.get_absolute_url())

    def back(self, pk) -> str:
        return get_object_or_404(Campaign, pk=pk).get_absolute_url()


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


class CampaignScheduleView(_ActionView):
    def run(self, request, pk):
        campaign = services.campaign_schedule(campaign_id=get_object_or_404(Campaign, pk=pk).pk, actor=_actor(request),
                                              note="scheduled in the dashboard")
        return campaign, f"Campaign “{campaign.name}” scheduled with its posts."


class CampaignCancelView(_ActionView):
    def run(self, request, pk):
        campaign = services.campaign_cancel(campaign_id=get_object_or_404(Campaign, pk=pk).pk, actor=_actor(request),
                                            reason=_reason(request))
        return campaign, f"Campaign “{campaign.name}” cancelled."


class CampaignEndView(_ActionView):
    def run(self, request, pk):
        campaign = services.campaign_end(campaign_id=get_object_or_404(Campaign, pk=pk).pk, actor=_actor(request),
                                         note="ended in the dashboard")
        return campaign, f"Campaign “{campaign.name}” ended; its links keep counting."


class _PostFormView(MerchandiserFormView):
    template_name = "promotion/post_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "time_zone": self.campaign.time_zone}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "campaign": self.campaign, "post": getattr(self, "post_obj", None)}


class PostCreateView(_PostFormView):
    form_class = PostCreateForm

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign.objects.select_related("concept__target_segment"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        channel = self.request.GET.get("channel") or (self.campaign.channels or ["instagram"])[0]
        if channel not in dict(PostCreateForm.base_fields["channel"].choices):
            channel = "instagram"
        suggestion = services.post_copy_suggest(campaign=self.campaign, channel=channel)
        starts = datetime.combine(self.campaign.starts_on, datetime.min.time()).replace(hour=18)
        return {"channel": channel, "text": suggestion.text, "hashtags": " ".join(suggestion.hashtags),
                "scheduled_local": starts}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            post = services.post_create(campaign=self.campaign, channel=data["channel"], text=data["text"],
                                        hashtags=data["hashtags"], scheduled_local=data["scheduled_local"],
                                        media=data.get("media") or None, actor=_actor(self.request))
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{post.transition_label} drafted.")
        return redirect(post.get_absolute_url())


class PostUpdateView(_PostFormView):
    form_class = PostForm

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(Post.objects.select_related("campaign"), pk=kwargs["pk"])
        self.campaign = self.post_obj.campaign
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        p = self.post_obj
        return {"text": p.text, "hashtags": " ".join(p.hashtags or []),
                "scheduled_local": utc_to_local(p.scheduled_at, zone=self.campaign.time_zone).replace(tzinfo=None)}

    def form_valid(self, form):
        data = form.cleaned_data
        media = False if data.get("remove_media") else (data.get("media") or None)
        try:
            post = services.post_update(post_id=self.post_obj.pk, text=data["text"], hashtags=data["hashtags"],
                                        scheduled_local=data["scheduled_local"], media=media, actor=_actor(self.request))
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{post.transition_label} saved.")
        return redirect(post.get_absolute_url())


class _PostActionView(_ActionView):
    def back(self, pk) -> str:
        return get_object_or_404(Post, pk=pk).get_absolute_url()


class PostScheduleView(_PostActionView):
    def run(self, request, pk):
        post = services.post_schedule(post_id=get_object_or_404(Post, pk=pk).pk, actor=_actor(request),
                                      note="scheduled in the dashboard")
        return post, f"{post.transition_label} scheduled."


class PostCancelView(_PostActionView):
    def run(self, request, pk):
        post = services.post_cancel(post_id=get_object_or_404(Post, pk=pk).pk, actor=_actor(request),
                                    note=_reason(request) or "cancelled in the dashboard")
        return post, f"{post.transition_label} cancelled."


class TrackedLinkUpdateView(MerchandiserFormView):
    form_class = TrackedLinkForm
    template_name = "promotion/link_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.link = get_object_or_404(TrackedLink.objects.select_related("campaign", "post"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"destination_url": self.link.destination_url, **{f: getattr(self.link, f) for f in UTM_FIELDS}}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "link": self.link, "campaign": self.link.campaign}

    def form_valid(self, form):
        try:
            link = services.tracked_link_update(link_id=self.link.pk, actor=_actor(self.request), **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        services.link_cache_clear(link.code)
        messages.success(self.request, f"/r/{link.code} saved.")
        return redirect(link.campaign.get_absolute_url())


class BulkExportCreateView(_ActionView):
    def run(self, request, pk):
        form = BulkExportForm(request.POST)
        channel = form.cleaned_data["channel"] if form.is_valid() else ""
        export = services.bulk_export_create(campaign_id=get_object_or_404(Campaign, pk=pk).pk, channel=channel,
                                             actor=_actor(request))
        return export.campaign, f"{export.filename} written with {export.post_count} posts: download it and upload it."


class BulkExportDownloadView(MerchandiserRequiredMixin, View):
    def get(self, request, pk):
        export = get_object_or_404(BulkExport, pk=pk)
        response = HttpResponse(export.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class _ExportActionView(_ActionView):
    def back(self, pk) -> str:
        return get_object_or_404(BulkExport, pk=pk).campaign.get_absolute_url()


class BulkExportAcceptView(_ExportActionView):
    def run(self, request, pk):
        export = services.bulk_export_accept(export_id=get_object_or_404(BulkExport, pk=pk).pk, actor=_actor(request))
        return export.campaign, f"{export.filename}: taken; its posts are marked sent at their times."


class BulkExportRefuseView(_ExportActionView):
    def run(self, request, pk):
        export = services.bulk_export_refuse(export_id=get_object_or_404(BulkExport, pk=pk).pk, actor=_actor(request),
                                             reason=_reason(request))
        return export.campaign, f"{export.filename}: refused; its posts failed with the reason."
