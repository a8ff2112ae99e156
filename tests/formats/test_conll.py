from pathlib import Path

from click.testing import CliRunner
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Tokens

from annotator.cli import main
from annotator.core.model import SUGGESTIONS, Entity, add_entity
from annotator.core.schema import Schema
from annotator.formats import Rejected, read_paths
from annotator.formats.conll import read as read_conll
from annotator.store import Project

from .conftest import TEXT_A, TEXT_B, export, import_into

SAMPLE = Path(__file__).parent.parent / "data" / "anercorp_sample.txt"

# The sample after import and export: PERS -> PER, IO tags -> BIO, RLMs and the lines with an
# empty token gone, and the stretch without blank lines split after each . and ؟ token.
SAMPLE_NORMALIZED = """\
فرانكفورت B-LOC
(د O
ب O
أ) O
أعلن O
اتحاد B-ORG
الصحفيين I-ORG
الألمان I-ORG
أن O
جورج B-PER
بوش I-PER
زار O
بغداد B-LOC
. O

وقال O
المتحدث O
باسم O
الأمم B-ORG
المتحدة I-ORG
إن O
المختطَفين O
في O
غزة B-LOC
بخير O
. O

-DOCSTART- O

التقى O
محمود B-PER
عباس I-PER
مع O
الملك O
عبدالله B-PER
في O
عمان B-LOC
. O

وأكدت O
وزارة B-ORG
الخارجية I-ORG
الأردنية I-ORG
دعمها O
لـ O
فلسطين B-LOC
في O
كأس B-MISC
العرب I-MISC
. O

ثم O
غادر O
عباس B-PER
إلى O
رام B-LOC
الله I-LOC
؟ O

"""


def parse(text: str) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, tag), read independently of our reader."""
    docs, sentence = [[]], []
    for line in text.split("\n"):
        if not line.strip():
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        elif line.split()[0] == "-DOCSTART-":
            docs.append([])
        else:
            token, tag = line.split(" ")
            sentence.append((token, tag))
    return [d for d in docs if d]


def assert_valid_bio(sentences):
    """seqeval's strict IOB2 reading finds exactly the entities its lenient one does: no I-
    without its B-, no unknown prefix."""
    for sentence in sentences:
        tags = [tag for _token, tag in sentence]
        strict = [(e.tag, e.start, e.end - 1) for e in Tokens(tags, IOB2).entities]
        assert strict == get_entities(tags), tags


def entity_texts(sentences) -> list[tuple[str, str]]:
    out = []
    for sentence in sentences:
        tags = [tag for _token, tag in sentence]
        for label, start, end in get_entities(tags):
            out.append((label, " ".join(tok for tok, _ in sentence[start:end + 1])))
    return out


def test_export_is_valid_bio_with_words_split_only_at_entity_boundaries(annotated, tmp_path):
    out = tmp_path / "gold.conll"
    assert export(annotated, "conll", out, layer="gold") == 2
    docs = parse(out.read_text(encoding="utf-8"))
    assert len(docs) == 2
    assert out.read_text(encoding="utf-8").count("-DOCSTART- O\n\n") == 1
    for doc in docs:
        assert_valid_bio(doc)
    first = [pair for sentence in docs[0] for pair in sentence]
    # emoji glued to a name is its own O token; the flag stays whole inside the LOC span
    assert first[:8] == [("😀", "O"), ("أكد", "O"), ("وزير", "O"), ("الدفاع", "O"),
                         ("يوآف", "B-PER"), ("جالانت", "I-PER"), ("😀", "O"), ("أن", "O")]
    i = first.index(("و", "O"))  # وغزة split: the entity starts after the conjunction
    assert first[i:i + 4] == [("و", "O"), ("غزة", "B-LOC"), ("🇵🇸", "I-LOC"), ("بخير", "O")]
    assert ("المختطَفين", "B-MISC") in first
    assert ("وقال", "O") not in first and ("قال", "O") in first  # no other word is split
    assert entity_texts(docs[0]) == [("PER", "يوآف جالانت"), ("MISC", "المختطَفين"),
                                     ("LOC", "غزة 🇵🇸"), ("PER", "جالانت"), ("ORG", "حماس"),
                                     ("MISC", "= SUM ( A1 )")]
    # sentences end at . and at newlines
    assert [[tok for tok, _ in s][-2:] for s in docs[0]] == [
        ["بخير", "."], ["»", "."], ["صدى", "البلد"], ["A1", ")"], ["@", "user"]]
    # CoNLL cannot nest: the longest of two overlapping entities is written
    assert entity_texts(docs[1]) == [("LOC", "🇵🇸 🇵🇸 رام الله"), ("PER", "محمود عباس"),
                                     ("PER", "الملك عبدالله الثاني"), ("LOC", "عمّان")]


def test_body_only_keeps_the_body_zones(annotated, tmp_path):
    out = tmp_path / "body.conll"
    assert export(annotated, "conll", out, layer="gold", body_only=True) == 2
    tokens = [tok for doc in parse(out.read_text(encoding="utf-8")) for s in doc for tok, _ in s]
    assert "ثماره" in tokens and "جالانت" in tokens
    assert "المصدر" not in tokens and "SUM" not in tokens and "مشابهة" not in tokens


def test_layer_all_writes_each_layer_and_skips_unlabeled_documents(annotated, tmp_path):
    out = tmp_path / "all.conll"
    # a: alice, gold, suggestions; b: gold; c has no layer
    assert export(annotated, "conll", out, layer="all") == 4
    text = out.read_text(encoding="utf-8")
    assert text.count("-DOCSTART- O") == 3
    assert "نص" not in text
    assert export(annotated, "conll", out, layer="alice", status="done") == 1
    alice = parse(out.read_text(encoding="utf-8"))
    assert entity_texts(alice[0]) == [("PER", "جالانت"), ("LOC", "وغزة")]


def test_export_import_export_is_byte_identical_with_emoji_and_tashkeel(annotated, tmp_path):
    first = tmp_path / "first.conll"
    export(annotated, "conll", first, layer="gold")
    proj, counts = import_into(tmp_path / "again.db", [first], layer="gold")
    assert counts["added"] == 2 and counts["rejected"] == 0
    second = tmp_path / "second.conll"
    export(proj, "conll", second, layer="gold")
    assert second.read_bytes() == first.read_bytes()
    doc = proj.get_document("first-1")
    assert doc.meta["pretokenized"] is True
    texts = [doc.text[e.start:e.end] for e in proj.get_layer("first-1", "gold").entities]
    assert "غزة 🇵🇸" in texts and "المختطَفين" in texts
    proj.close()


def test_anercorp_sample_imports_with_its_quirks(tmp_path):
    results = list(read_conll(SAMPLE, schema=Schema.default()))
    assert not [r for r in results if isinstance(r, Rejected)]
    assert [r.doc.id for r in results] == ["anercorp_sample-1", "anercorp_sample-2"]
    first, second = results
    assert "\u200f" not in first.doc.text + second.doc.text
    assert first.doc.text.split("\n")[0] == (
        "فرانكفورت (د ب أ) أعلن اتحاد الصحفيين الألمان أن جورج بوش زار بغداد .")
    assert second.doc.text.count("\n") == 2  # sentence breaks recovered after . and ؟
    assert first.where == f"{SAMPLE}:3"
    layer = first.layers[SUGGESTIONS]
    found = [(e["label"], first.doc.text[e["start"]:e["end"]]) for e in layer["entities"]]
    assert found == [("LOC", "فرانكفورت"), ("ORG", "اتحاد الصحفيين الألمان"),
                     ("PER", "جورج بوش"), ("LOC", "بغداد"), ("ORG", "الأمم المتحدة"),
                     ("LOC", "غزة")]
    layer = second.layers[SUGGESTIONS]
    found = [(e["label"], second.doc.text[e["start"]:e["end"]]) for e in layer["entities"]]
    assert found == [("PER", "محمود عباس"), ("PER", "عبدالله"), ("LOC", "عمان"),
                     ("ORG", "وزارة الخارجية الأردنية"), ("LOC", "فلسطين"),
                     ("MISC", "كأس العرب"), ("PER", "عباس"), ("LOC", "رام الله")]


def test_anercorp_sample_in_and_out_gives_the_same_tokens_and_normalized_tags(tmp_path):
    proj, counts = import_into(tmp_path / "p.db", [SAMPLE], fmt="conll")
    assert counts == {"added": 2, "updated": 0, "unchanged": 0, "duplicate": 0, "kept": 0,
                      "rejected": 0}
    assert proj.layer_names() == [SUGGESTIONS]
    out = tmp_path / "out.conll"
    export(proj, "conll", out)
    exported = out.read_text(encoding="utf-8")
    assert exported == SAMPLE_NORMALIZED
    # tokens: the input's, minus invisible marks and the stray lines without a token
    raw_tokens = []
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        columns = [c.strip("\u200f") for c in line.split()]
        columns = [c for c in columns if c]
        if len(columns) == 2 and columns[0] != "-DOCSTART-":
            raw_tokens.append(columns[0])
    out_tokens = [tok for doc in parse(exported) for s in doc for tok, _ in s]
    assert out_tokens == raw_tokens
    for doc in parse(exported):
        assert_valid_bio(doc)
    proj.close()


def test_a_bio_file_with_our_labels_comes_back_byte_identical(tmp_path):
    source = tmp_path / "clean.bio"
    source.write_text(SAMPLE_NORMALIZED, encoding="utf-8", newline="\n")
    proj, counts = import_into(tmp_path / "p.db", [source])  # .bio ending picks CoNLL
    assert counts["added"] == 2 and counts["rejected"] == 0
    out = tmp_path / "out.conll"
    export(proj, "conll", out)
    assert out.read_bytes() == source.read_bytes()
    proj.close()


def test_iob1_and_bioes_tags_become_spans(tmp_path):
    source = tmp_path / "mixed.conll"
    source.write_text("في O\nغزة I-LOC\nو O\nمحمد S-PER\nالأمم B-ORG\nالمتحدة E-ORG\n"
                      "جامعة B-ORG\nالقاهرة I-ORG\nغزة I-LOC\n", encoding="utf-8")
    proj, _ = import_into(tmp_path / "p.db", [source])
    doc = proj.get_document("mixed-1")
    layer = proj.get_layer("mixed-1", SUGGESTIONS)
    assert [(e.label, doc.text[e.start:e.end]) for e in layer.entities] == [
        ("LOC", "غزة"), ("PER", "محمد"), ("ORG", "الأمم المتحدة"), ("ORG", "جامعة القاهرة"),
        ("LOC", "غزة")]
    proj.close()


def test_malformed_lines_are_named_and_the_rest_is_imported(tmp_path):
    source = tmp_path / "bad.conll"
    source.write_text("قال O\nجالانت B-FOO\nإن O\nكلمة\nحماس B-ORG\n\n-DOCSTART- O\nثانية O\n",
                      encoding="utf-8")
    results = list(read_paths([source], schema=Schema.default()))
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == [f"{source}:2", f"{source}:4"]
    assert "FOO" in rejected[0].message and "no tag" in rejected[1].message
    records = [r for r in results if not isinstance(r, Rejected)]
    assert [r.doc.text for r in records] == ["قال جالانت إن كلمة حماس", "ثانية"]
    ents = records[0].layers[SUGGESTIONS]["entities"]
    assert [records[0].doc.text[e["start"]:e["end"]] for e in ents] == ["حماس"]

    project = tmp_path / "cli.db"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    result = runner.invoke(main, ["import", str(project), str(source), "--layer", "gold"])
    assert result.exit_code == 1
    assert f"{source}:2:" in result.output and f"{source}:4:" in result.output
    with Project.open(project) as proj:
        assert proj.count_documents() == 2
        assert proj.layer_names() == ["gold"]


def test_cli_imports_a_txt_corpus_with_format_conll_and_exports_by_ending(tmp_path):
    project = tmp_path / "p.db"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    result = runner.invoke(main, ["import", str(project), str(SAMPLE), "--format", "conll"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.iob"
    result = runner.invoke(main, ["export", str(project), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == SAMPLE_NORMALIZED


def test_an_entity_inside_an_imported_token_splits_it(tmp_path):
    proj, _ = import_into(tmp_path / "p.db", [SAMPLE], fmt="conll")
    doc = proj.get_document("anercorp_sample-1")
    start = doc.text.index("(د") + 1
    proj.edit(doc.id, SUGGESTIONS, "test", "add",
              lambda layer: add_entity(layer, Entity(start, start + 1, "ORG")))
    out = tmp_path / "out.conll"
    export(proj, "conll", out, layer=SUGGESTIONS)
    first = [pair for s in parse(out.read_text(encoding="utf-8"))[0] for pair in s]
    assert first[1:4] == [("(", "O"), ("د", "B-ORG"), ("ب", "O")]
    proj.close()


def test_exported_tokens_are_the_stored_text_in_order(annotated, tmp_path):
    """Every token written is the exact slice of the stored text, in order."""
    out = tmp_path / "gold.conll"
    export(annotated, "conll", out, layer="gold")
    docs = parse(out.read_text(encoding="utf-8"))
    for doc, text in zip(docs, (TEXT_A, TEXT_B)):
        pos = 0
        for sentence in doc:
            for token, _tag in sentence:
                found = text.index(token, pos)
                assert text[pos:found].strip() == ""
                pos = found + len(token)
        assert text[pos:].strip() == ""
