"""Fuzzed layer JSON through `annotator agree`: never a traceback, exit status 0 or 1 with
the one documented line (see test_damaged_layers)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from .test_damaged_layers import as_dict, damage, labeled_path, run, stored  # noqa: F401

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10 ** 20) | st.floats(allow_nan=True)
    | st.text(max_size=5) | st.sampled_from(["PER", "body", "none", "author", "favor"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["start", "end", "label", "text", "holder", "target", "value",
                         "evidence", "canonical", "zones", "entities", "stances"]),
        inner, max_size=6),
    max_leaves=30)


@st.composite
def layer_json(draw):
    """A sound layer with some of its parts replaced by anything JSON can hold."""
    value = draw(st.sampled_from(_SOUND))
    value = json.loads(json.dumps(value))
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(["zones", "entities", "stances"]))
        items = value.get(part)
        if isinstance(items, list) and items and draw(st.booleans()):
            item = draw(st.integers(0, len(items) - 1))
            if isinstance(items[item], dict) and items[item]:
                key = draw(st.sampled_from(sorted(items[item])))
                items[item][key] = draw(_JSON)
                continue
        value[part] = draw(_JSON)
    return json.dumps(value, allow_nan=True)


_SOUND: list[dict] = []


def test_fuzzed_layers_never_give_a_traceback(labeled_path):
    path, ids = labeled_path
    _SOUND[:] = [as_dict(stored(path, ids[0], name)) for name in ("a", "b")]

    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.one_of(layer_json(), _JSON.map(lambda v: json.dumps(v, allow_nan=True))))
    def check(data):
        damage(path, ids[0], "b", data)
        with sqlite3.connect(path) as conn:  # no kept counts: the layer is read each time
            conn.execute("DELETE FROM project WHERE key LIKE 'setting:agreement-tallies%'")
        conn.close()
        result = run("agree", path, "--json", "--summary")
        assert result.exit_code in (0, 1), result.output
        codes.add(result.exit_code)
        if result.exit_code:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(
                f"annotator: {path}: document {ids[0]!r}, layer 'b': ")
            assert lines[0].endswith("; left out of agreement")
        assert json.loads(result.stdout)["documents_compared"] == len(ids) - result.exit_code

    codes: set[int] = set()
    check()
    assert codes == {0, 1}  # both sound and damaged layers were tried


def test_agreement_screen_never_passes_a_layer_the_full_check_refuses(labeled_path):
    """Agreement (and assist and import, of the layer they replace) screen stored layers with
    a lean copy of the invariants (core.agreement.units.StoredLayers) and ask
    core.model.layer_problem only when in doubt: the two must agree on every layer, or the
    copy has drifted from the check."""
    from annotator.core.agreement.units import StoredLayers
    from annotator.core.errors import ValidationError
    from annotator.core.model import layer_problem
    from annotator.store import Project

    path, ids = labeled_path
    _SOUND[:] = [as_dict(stored(path, ids[0], name)) for name in ("a", "b")]
    with Project.open(path) as project:
        text, schema = project.get_text(ids[0]), project.schema
    screen = StoredLayers(schema)

    @settings(max_examples=400, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.one_of(layer_json(), _JSON.map(lambda v: json.dumps(v, allow_nan=True))))
    def check(data):
        problem = layer_problem(data, text, schema)
        assert screen.problem(data, text) == problem  # what assist and import ask
        try:
            screen.marks(data, text)
        except ValidationError as exc:
            assert str(exc) == problem
        else:
            assert problem is None, problem

    check()
