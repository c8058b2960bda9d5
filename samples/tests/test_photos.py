"""Sample versions with photos: uploads checked, thumbnails made, pictures served to staff and link holders."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from samples.models import Sample, SamplePhoto
from samples.tokens import vote_token_for

from .factories import InvitationFactory, SampleFactory

pytestmark = pytest.mark.django_db


def png(width=800, height=600, name="sample.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 140)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_v1_with_photo_and_thumbnail(staff_client):
    sample_concept = SampleFactory.build().concept
    sample_concept.cycle.save()
    sample_concept.save()
    response = staff_client.post(
        reverse("samples:sample_create", args=[sample_concept.pk]),
        {"spec": "320 gsm sherpa", "photo": png(), "caption": "front"},
    )
    sample = Sample.objects.get(concept=sample_concept)
    assert response.status_code == 302 and sample.version == 1 and sample.spec == "320 gsm sherpa"
    photo = sample.photos.get()
    assert (photo.width, photo.height) == (800, 600) and photo.caption == "front"
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320 and thumb.format == "JPEG"
    thumb_response = staff_client.get(reverse("samples:photo_thumb", args=[photo.pk]))
    assert thumb_response.status_code == 200 and thumb_response["Content-Type"] == "image/jpeg"
    assert thumb_response["X-Content-Type-Options"] == "nosniff"
    assert staff_client.get(reverse("samples:photo", args=[photo.pk])).status_code == 200


def test_v2_starts_from_v1_and_needs_change_notes(staff_client):
    v1 = SampleFactory(spec="v1 spec: 320 gsm")
    url = reverse("samples:sample_create", args=[v1.concept.pk])
    form = staff_client.get(url)
    assert form.context["form"].initial["spec"] == "v1 spec: 320 gsm"
    missing = staff_client.post(url, {"spec": "v1 spec: 320 gsm", "change_notes": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["change_notes"]
    assert Sample.objects.count() == 1
    done = staff_client.post(url, {"spec": "v2 spec: 380 gsm", "change_notes": "Heavier pile"})
    v2 = Sample.objects.get(version=2)
    assert done.status_code == 302 and v2.concept_id == v1.concept_id and v2.change_notes == "Heavier pile"


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("x.png", b"not an image at all"), "not a readable image"),
    (SimpleUploadedFile("x.gif", b""), "upload JPEG, PNG or WebP"),
    (SimpleUploadedFile("empty.png", b""), "is empty"),
    (SimpleUploadedFile("<svg onload=alert(1)>.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "not a readable image"),
])
def test_bad_photo_is_refused_and_the_new_version_not_written(staff_client, upload, message):
    if upload.name == "x.gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        upload = SimpleUploadedFile("x.gif", out.getvalue())
    concept = SampleFactory().concept
    response = staff_client.post(
        reverse("samples:sample_create", args=[concept.pk]), {"spec": "s", "change_notes": "c", "photo": upload}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "<svg onload" not in html
    assert Sample.objects.count() == 1 and not SamplePhoto.objects.exists()


def test_oversized_photo_is_refused(staff_client, settings, monkeypatch):
    import samples.images

    monkeypatch.setattr(samples.images, "PHOTO_MAX_BYTES", 1000)
    sample = SampleFactory()
    response = staff_client.post(reverse("samples:photo_add", args=[sample.pk]), {"photo": png(400, 400)})
    assert response.status_code == 200 and "the limit is 1,000" in response.content.decode()
    assert not SamplePhoto.objects.exists()


def test_photo_pages_are_staff_only(shopper_client, staff_client):
    sample = SampleFactory()
    staff_client.post(reverse("samples:photo_add", args=[sample.pk]), {"photo": png()})
    photo = SamplePhoto.objects.get()
    assert shopper_client.get(reverse("samples:photo_thumb", args=[photo.pk])).status_code == 403
    assert shopper_client.post(reverse("samples:photo_add", args=[sample.pk]), {"photo": png()}).status_code == 403
    assert SamplePhoto.objects.count() == 1


def test_vote_page_shows_photos_through_the_signed_link_only(staff_client):
    invitation = InvitationFactory()
    staff_client.post(reverse("samples:photo_add", args=[invitation.round.sample.pk]), {"photo": png()})
    photo = SamplePhoto.objects.get()
    other = SampleFactory()
    staff_client.post(reverse("samples:photo_add", args=[other.pk]), {"photo": png()})
    foreign = SamplePhoto.objects.exclude(pk=photo.pk).get()
    buyer = Client()
    token = vote_token_for(invitation)
    page = buyer.get(reverse("samples_vote:vote", args=[token])).content.decode()
    thumb_url = reverse("samples_vote:photo", args=[token, photo.pk, "thumb"])
    assert thumb_url in page
    assert buyer.get(thumb_url).status_code == 200
    assert buyer.get(reverse("samples_vote:photo", args=[token, foreign.pk, "thumb"])).status_code == 404
    assert buyer.get(reverse("samples_vote:photo", args=[token, photo.pk, "huge"])).status_code == 404
    assert buyer.get(reverse("samples_vote:photo", args=[token + "x", photo.pk, "thumb"])).status_code == 400


def test_a_photo_over_the_size_limit_is_refused_before_it_is_read(staff_client):
    from core.tests.uploads import UnreadableUpload
    from samples.forms import SamplePhotoForm, SampleVersionForm
    from samples.images import PHOTO_MAX_BYTES

    for form_class, data in ((SamplePhotoForm, {}), (SampleVersionForm, {"spec": "s"})):
        form = form_class(data=data, files={"photo": UnreadableUpload("huge.png", PHOTO_MAX_BYTES + 1, "image/png")})
        assert not form.is_valid()
        assert form.errors["photo"] == [f"huge.png is larger than 8 MB ({PHOTO_MAX_BYTES + 1:,} bytes)."]

    sample = SampleFactory()
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"x" * PHOTO_MAX_BYTES, content_type="image/png")
    response = staff_client.post(reverse("samples:photo_add", args=[sample.pk]), {"photo": big})
    assert response.status_code == 200 and "big.png is larger than 8 MB" in response.content.decode()
    assert not SamplePhoto.objects.exists()
