"""Samples, their photos and versions, and buyers."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max

from core import transitions
from design.models import Concept

from ..images import photo_validate_and_thumbnail
from ..models import Buyer, Sample, SamplePhoto


def sample_create(
    *, concept: Concept, spec: str = "", change_notes: str = "", is_demo: bool = False, actor: str = "c2f"
) -> Sample:
    """The concept's next sample version, in draft."""
    with transaction.atomic():
        # Lock the concept so two new versions of one concept cannot take the same number.
        Concept.objects.select_for_update().filter(pk=concept.pk).first()
        version = (Sample.objects.filter(concept=concept).aggregate(m=Max("version"))["m"] or 0) + 1
        sample = Sample.objects.create(
            concept=concept, version=version, spec=spec, change_notes=change_notes, is_demo=is_demo
        )
        transitions.record_created(sample, actor=actor, note=f"version {version}")
    return sample


def sample_revise(*, previous: Sample, change_notes: str, spec: str | None = None, actor: str = "c2f") -> Sample:
    """The next version of ``previous``'s concept, starting from its spec; the changes must be written down."""
    change_notes = (change_notes or "").strip()
    if not change_notes:
        raise ValidationError({"change_notes": f"Say what changed from v{previous.version}."})
    return sample_create(
        concept=previous.concept,
        spec=previous.spec if spec is None else spec,
        change_notes=change_notes,
        is_demo=previous.is_demo,
        actor=actor,
    )


def sample_photo_add(*, sample: Sample, upload, caption: str = "") -> SamplePhoto:
    """Store a checked photo of the sample and its thumbnail; a bad file stores nothing."""
    image_file, thumb_file, width, height = photo_validate_and_thumbnail(upload)
    with transaction.atomic():
        photo = SamplePhoto(sample=sample, caption=(caption or "").strip()[:160], width=width, height=height)
        photo.image.save(image_file.name, image_file, save=False)
        photo.thumbnail.save(thumb_file.name, thumb_file, save=False)
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
            raise
    return photo


def buyer_upsert(
    *,
    email: str,
    name: str,
    company: str = "",
    country: str = "",
    markets: list[str] | None = None,
    language: str = "en",
    is_demo: bool = False,
) -> Buyer:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"Buyer email {email!r} is not a valid address."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": f"Buyer {email} needs a name."})
    country = (country or "").strip().upper()
    if country and len(country) != 2:
        raise ValidationError({"country": f"Buyer {email}: country {country!r} must be a 2-letter code."})
    markets = [str(m).strip().upper() for m in (markets or []) if str(m).strip()]
    buyer, _ = Buyer.objects.update_or_create(
        email=email,
        defaults={
            "name": name,
            "company": company.strip(),
            "country": country,
            "markets": markets,
            "language": language or "en",
            "is_demo": is_demo,
        },
    )
    return buyer
