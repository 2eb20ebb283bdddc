"""The demo computes every demo term's figures."""

import io
from types import SimpleNamespace

from composition import demo
from composition.models import CompositionSnapshot


def test_demo_computes_the_demo_terms(small_county):
    ctx = SimpleNamespace(
        terms={2018: small_county.t2018, 2021: small_county.t2021}, stdout=io.StringIO()
    )
    demo.build(ctx)
    assert CompositionSnapshot.objects.filter(term=small_county.t2021).exists()
    assert "2021" in ctx.stdout.getvalue()
