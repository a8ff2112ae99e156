"""Search regardless of tashkeel, tatweel, alef/hamza/teh-marbuta spellings and proclitics,
with hits at exact offsets in the stored text; the index is built lazily."""
from annotator.cli import run_import
from annotator.core.arabic import normalize_text
from annotator.core.model import Document
from annotator.store import ImportRecord
from annotator.store.search import INDEX_VERSION, ensure_index, find_hits, search


def has_index(project):
    return project.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'search_index'").fetchone()[0] == 1


def add(project, **texts):
    list(project.import_documents([ImportRecord(Document(k, t)) for k, t in texts.items()]))


def test_plain_query_finds_the_tashkeel_form_at_exact_offsets(seeded):
    results = {r.doc_id[:3]: r for r in search(seeded, "المختطفين")}
    assert {"000", "001", "003", "004"} <= set(results)
    ids = {d[:3]: d for d in seeded.document_ids()}
    for key, result in results.items():
        text = seeded.get_text(ids[key])
        for hit in result.hits:
            assert normalize_text(text[hit.start:hit.end]) == "المختطفين"
            # Whole word: nothing of it left outside the hit.
            assert not text[hit.start - 1].isalpha() and not text[hit.end].isalpha()
        found = {text[h.start:h.end] for h in result.hits}
        assert found == ({"المختطَفين"} if key in ("001", "003") else {"المختطفين"})
        assert result.marked().count("[") == 1
        a, b = result.snippet_hit
        assert result.snippet[a:b] == text[result.hits[0].start:result.hits[0].end]
    # The query with tashkeel finds the same documents.
    assert {r.doc_id for r in search(seeded, "المُختطَفين")} == {r.doc_id for r in
                                                                search(seeded, "المختطفين")}


def test_index_is_built_lazily_not_at_import(project, seed_dir):
    run_import(project, [seed_dir], None, None, quiet=True)
    assert not has_index(project)
    assert ensure_index(project) == 5
    assert ensure_index(project) == 0
    add(project, late="خبر جديد عن المختطفين في غزة 😀")
    assert not search(project, "zzzz")
    assert [r.doc_id for r in search(project, "جديد")] == ["late"]
    assert project.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 6
    # A new indexed form: rebuilt on the next search.
    project.set_setting("search_index_version", "old")
    assert [r.doc_id for r in search(project, "جديد")] == ["late"]
    assert project.get_setting("search_index_version") == INDEX_VERSION


def hit_texts(project, query):
    return {r.doc_id: [project.get_text(r.doc_id)[h.start:h.end] for h in r.hits]
            for r in search(project, query)}


def test_variants_proclitics_and_emoji(project):
    add(project,
        a="😀🇵🇸 قال لإسرائيل وغـزّة والمستشفى",
        b="أكّد أنّ اسرائيل تحاصر غزه",
        c="للمختطفين حق العودة، ومن المُختَطَفِينَ أطفال",
        d="وزير خارجية الدفاع")
    assert hit_texts(project, "إسرائيل") == {"a": ["إسرائيل"], "b": ["اسرائيل"]}
    assert hit_texts(project, "غزة") == {"a": ["غـزّة"], "b": ["غزه"]}
    # لل is ل + ال: the hit starts at the article's lam.
    assert hit_texts(project, "المختطفين") == {"c": ["لمختطفين", "المُختَطَفِينَ"]}
    assert hit_texts(project, "مستشفى") == {"a": ["مستشفى"]}
    assert hit_texts(project, "اكد ان") == {"b": ["أكّد أنّ"]}


def test_several_words_must_be_adjacent():
    text = "قال وزير الدفاع ثم وزير خارجية الدفاع، ووزير\nالدفاع"
    hits = find_hits(text, ["وزير", normalize_text("الدفاع")])
    assert [text[h.start:h.end] for h in hits] == ["وزير الدفاع"]


def test_limit_and_ranking(seeded):
    assert len(search(seeded, "غالانت", limit=2)) == 2
    assert len(search(seeded, "غالانت")) == 5
    assert search(seeded, "  ؟؟ ") == []


def test_index_build_reports_progress_per_batch(project, monkeypatch):
    import annotator.store.search as search_module

    monkeypatch.setattr(search_module, "BATCH", 2)
    add(project, **{f"d{i}": f"خبر رقم {i} عن غزة" for i in range(5)})
    calls = []
    assert ensure_index(project, lambda done, total: calls.append((done, total))) == 5
    assert calls == [(2, 5), (4, 5), (5, 5)]
    assert ensure_index(project, lambda done, total: calls.append((done, total))) == 0
    assert len(calls) == 3


def test_an_index_holding_a_removed_document_is_built_again(project):
    add(project, one="خبر عن غزة", two="خبر آخر عن غزة")
    assert ensure_index(project) == 2
    with project.write():  # what a merge that drops a document would leave behind
        project.conn.execute("DELETE FROM documents WHERE id = 'one'")
    assert [r.doc_id for r in search(project, "غزة")] == ["two"]
    assert project.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 1
