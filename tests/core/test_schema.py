"""The label schema: the default loads, and every mistake is named."""
import pytest

from annotator.core.errors import SchemaError
from annotator.core.schema import DEFAULT_SCHEMA_PATH, Schema


def test_default_schema_has_the_spec_labels():
    schema = Schema.default()
    assert schema.zone_names == ("body", "source", "boilerplate", "none")
    assert schema.entity_names == ("PER", "ORG", "LOC", "MISC")
    assert schema.stance_names == ("favor", "against", "neutral", "unclear")
    assert schema.entity_label("PERS") == "PER"
    for label in schema.labels():
        assert label.ar and label.en and label.color.startswith("#") and label.key


def _with(replace_from: str, replace_to: str) -> str:
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")
    assert replace_from in text
    return text.replace(replace_from, replace_to, 1)


@pytest.mark.parametrize("text,message", [
    (_with('name = "ORG"', 'name = "PER"'), "duplicate entity label 'PER'"),
    (_with('key = "O"', 'key = "P"'), "duplicate key 'P'"),
    (_with('color = "#17bebb"', 'color = "teal"'), "bad color 'teal'"),
    (_with('en = "Person"', 'en = "Person"\nshade = 3'), "unknown key 'shade'"),
    (_with("version = 1", "version = 1\nlabels = 2"), "unknown key 'labels'"),
    (_with('PERS = "PER"', 'PERS = "PERSON"'), "no such entity label"),
    ("zones = [", "not valid TOML"),
])
def test_schema_errors_are_named(text, message):
    with pytest.raises(SchemaError, match=message):
        Schema.parse(text)


def test_load_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(_with('key = "O"', 'key = "P"'), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"bad\.toml: duplicate key"):
        Schema.load(bad)
