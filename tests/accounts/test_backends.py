"""accounts.backends.ModelBackend reads the signed-in user as Django's does."""

from django.contrib.auth import backends

from accounts.backends import ModelBackend


def test_get_user_reads_what_djangos_reads(organizer, make_user, django_assert_num_queries):
    ours, djangos = ModelBackend(), backends.ModelBackend()
    with django_assert_num_queries(1):
        user = ours.get_user(organizer.pk)
    expected = djangos.get_user(organizer.pk)
    fields = [f.attname for f in type(organizer)._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert user.county.name == "吉县"  # relations still load lazily
    gone = make_user(is_active=False)
    assert ours.get_user(gone.pk) is None and djangos.get_user(gone.pk) is None
    assert ours.get_user(987654321) is None


def test_a_signed_in_page_finds_its_user(client, organizer):
    client.force_login(organizer)
    assert client.session["_auth_user_backend"] == "accounts.backends.ModelBackend"
    assert client.get("/").status_code == 200
    organizer.is_active = False
    organizer.save()
    assert client.get("/").status_code == 302  # signed out: back to the login page
