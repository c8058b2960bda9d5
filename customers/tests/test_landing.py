"""Where a shopper came from, reduced to what attribution needs: path and utm_* parameters, the referrer's origin."""

import pytest

from customers.importers.landing import MAX_LANDING, landing_reduce, referrer_reduce

CAMPAIGN = "/products/x?utm_source=instagram&utm_medium=social&utm_campaign=mermaid-us&utm_content=post-7&utm_term=mermaid"


def test_the_path_and_the_utm_parameters_are_kept_and_nothing_else():
    assert landing_reduce(CAMPAIGN + "&email=a@b.c&fbclid=IwAR0x&token=s3cret") == CAMPAIGN
    assert landing_reduce("https://hearth.example/?gclid=1&customer=ava%40example.org") == "/"
    assert landing_reduce("https://hearth.example/a?UTM_Campaign=c&utm_campaign=second") == "/a?utm_campaign=c"


def test_utm_parameters_recorded_apart_join_the_address_which_wins():
    assert landing_reduce("/p?utm_campaign=c", utm={"utm_source": "ig", "utm_campaign": "other", "note": "x"}) == (
        "/p?utm_source=ig&utm_campaign=c")
    assert landing_reduce("", utm={"utm_campaign": "c", "utm_content": "post-1"}) == "?utm_campaign=c&utm_content=post-1"
    assert landing_reduce(None, utm={"utm_campaign": ["not", "text"]}) == ""


@pytest.mark.parametrize("hostile", [
    "javascript:alert(document.cookie)//?utm_campaign=c", "data:text/html,<script>x</script>", "mailto:a@b.c",
    "not a url", "products/x?utm_campaign=c", "http://[::1/%%%", "https://x.example:99999/?utm_campaign=c",
    "", "   ", None, 42, ["/a"], {"path": "/"}, "\x00" * 5000,
])
def test_what_is_no_web_address_leaves_nothing(hostile):
    assert landing_reduce(hostile) == ""
    assert referrer_reduce(hostile) == ""


def test_an_address_in_the_path_or_in_a_utm_value_is_not_kept():
    assert landing_reduce("/account/ava@example.org/orders?utm_campaign=c") == "/?utm_campaign=c"
    assert landing_reduce("/p?utm_source=ava@example.org&utm_campaign=c") == "/p?utm_campaign=c"
    assert landing_reduce("/p<script>?utm_campaign=c") == "/?utm_campaign=c"


def test_huge_input_is_cut_to_the_column():
    assert landing_reduce("x" * 1_000_000) == ""
    long_path = landing_reduce("/" + "a" * 2_000 + "?utm_campaign=c")
    assert len(long_path) == MAX_LANDING and long_path.endswith("?utm_campaign=c")
    assert landing_reduce("/" + "a" * 100_000 + "?utm_campaign=c") == "/" + "a" * (MAX_LANDING - 1)  # read no further
    long_value = landing_reduce("/p?utm_campaign=" + "c" * 10_000)
    assert long_value == "/p?utm_campaign=" + "c" * 80
    assert len(landing_reduce("/p?" + "&".join(f"utm_{k}={'v' * 5000}" for k in ("source", "medium", "campaign")))) <= MAX_LANDING


def test_the_referrer_is_kept_as_its_origin():
    assert referrer_reduce("https://www.Instagram.com/p/abc/?igsh=ava%40example.org") == "https://www.instagram.com"
    assert referrer_reduce("http://user:secret@shop.example:8080/x?q=1") == "http://shop.example:8080"
    assert referrer_reduce("https://shop.example:443/") == "https://shop.example"
    assert referrer_reduce("android-app://com.google.android.gm/") == ""
    assert referrer_reduce("/relative/path") == ""
    assert referrer_reduce("https://bad host.example/") == ""
