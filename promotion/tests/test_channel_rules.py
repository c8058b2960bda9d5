"""Each network's rules, checked before a post is scheduled, and named in the refusal."""

import pytest

from promotion import channel_rules as rules
from promotion.channel_rules import IMAGE, VIDEO, Media


def _names(breaches):
    return [b.rule for b in breaches]


def test_instagram_needs_media_and_counts_caption_and_hashtags():
    text = "x" * 2200
    assert _names(rules.check(channel="instagram", text=text, media=Media(IMAGE, "JPEG", 1000, 1080, 1350))) == []
    assert _names(rules.check(channel="instagram", text=text + "y", media=None)) == [
        "instagram.text_length", "instagram.media_required"]
    tags = " ".join(f"#t{i}" for i in range(31))
    [breach] = rules.check(channel="instagram", text=tags, media=Media(IMAGE, "JPEG", 1000, 1080, 1080))
    assert breach.rule == "instagram.hashtag_count"
    assert breach.message == "Instagram hashtag count: at most 30 hashtags, this post has 31."


@pytest.mark.parametrize(("width", "height", "ok"), [(1080, 1350, True), (1080, 1360, False), (1440, 754, True),
                                                     (1440, 700, False)])
def test_instagram_image_aspect_from_4_5_to_1_91(width, height, ok):
    breaches = rules.check(channel="instagram", text="hi", media=Media(IMAGE, "JPEG", 10_000, width, height))
    assert (breaches == []) is ok
    if not ok:
        assert "Instagram image aspect ratio: from 4:5 to 1.91:1" in breaches[0].message


def test_x_counts_by_weight_links_as_23_and_cjk_as_2():
    assert rules.text_length("x", "a" * 10 + " https://example.com/a/very/long/path?with=query") == 11 + 23
    assert rules.text_length("x", "毛布") == 4
    assert rules.check(channel="x", text="猫" * 140) == []
    [breach] = rules.check(channel="x", text="猫" * 141)
    assert breach.rule == "x.text_length" and "282" in breach.message


def test_tiktok_counts_utf16_units_and_video_length_limits():
    assert rules.text_length("tiktok", "😀") == 2
    short = rules.check(channel="tiktok", text="ok", media=Media(VIDEO, "MP4", 1000, seconds=2.0))
    assert _names(short) == ["tiktok.video_length"] and "at least 3 seconds" in short[0].message
    long = rules.check(channel="tiktok", text="ok", media=Media(VIDEO, "MP4", 1000, seconds=601))
    assert _names(long) == ["tiktok.video_length"]


def test_pinterest_image_size_format_and_height():
    media = Media(IMAGE, "GIF", 21 * 1024 * 1024, 1000, 2200)
    assert set(_names(rules.check(channel="pinterest", text="p", media=media))) == {
        "pinterest.image_format", "pinterest.image_size", "pinterest.image_aspect"}


def test_the_link_counts_where_the_network_shows_it_in_the_text():
    with_link = rules.published_text(channel="x", text="New", hashtags=["#a"], link="https://c2f.test/r/abc")
    assert with_link == "New\n\n#a\n\nhttps://c2f.test/r/abc"
    assert rules.published_text(channel="instagram", text="New", hashtags=["#a"], link="https://c2f.test/r/abc") == "New\n\n#a"


def test_hashtags_are_cleaned_once_each_in_order():
    assert rules.hashtags_clean("#cosy, sherpa  #Cosy #mer-maid ;;") == ["#cosy", "#sherpa", "#mermaid"]
    assert rules.hashtags_clean(["", "#", "<script>"]) == ["#script"]
