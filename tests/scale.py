"""Query counts that must not grow with the data (issue 17 §4, issue 18 §9): every URL is
read with some rows, then with more, and must run the same queries both times."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(client, url) -> int:
    """The queries one GET of `url` runs, a streamed body's included (they run as it is read)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
        response.getvalue()
    return len(captured)


def assert_flat(client, urls, grow, first: int, then: int, most: int) -> dict:
    """`grow(first)`, count each URL's queries; `grow(then)` more, count again: the same
    counts, none above `most`. The client is signed in; returns the counts."""
    grow(first)
    client.get(urls[0])  # the first request after login saves the session
    small = {url: queries(client, url) for url in urls}
    grow(then)
    large = {url: queries(client, url) for url in urls}
    assert large == small
    assert max(large.values()) <= most, large
    return large
