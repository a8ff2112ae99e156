"""What the project's texts say of each word is kept in the project between trainings
(training.text_statistics): the same word representations as learning them afresh, learned
again when documents come in, and a kept copy that does not read back is learned again."""
import random
import zlib

from annotator.assist.distributional import TextStatistics, WordContexts
from annotator.assist.training import ENTITY_MODEL, text_statistics, train_entities
from annotator.core.model import Document
from annotator.store import ImportRecord, Project
from annotator.store.batches import pack
from annotator.store.models import TEXT_STATISTICS, load_model, model_names, save_model

from .learning_data import make_document
from .test_entity_model import confirmed_project

EXTRA = ["وقال زيدان إن المشروع تأخر في بيروت.", "والتقى الرئيس زيدان أمس وفدا من دمشق."]


def test_kept_statistics_give_the_word_representations_learning_afresh_gives(tmp_path):
    rng = random.Random(5)
    docs = [make_document(rng) for _ in range(12)]
    proj = confirmed_project(tmp_path / "p.db", docs, extra=EXTRA)
    texts = [d.text for d in proj.iter_documents()]
    confirmed = [(["قال", "زيدان"], [False, True])]
    first = text_statistics(proj)
    stored = load_model(proj, TEXT_STATISTICS)
    assert stored is not None and stored.meta["key"] == first.key
    again = text_statistics(proj)
    assert again is not first and again.key == first.key
    assert load_model(proj, TEXT_STATISTICS).trained_at == stored.trained_at  # not relearned
    afresh = WordContexts.learn(texts, confirmed).table
    assert WordContexts.learn(again, confirmed).table == afresh
    assert WordContexts.learn(TextStatistics.from_bytes(again.to_bytes()), confirmed).table \
        == afresh
    assert any(f.startswith("nameL=") for f in afresh[next(iter(afresh))])


def test_documents_coming_in_make_them_learned_again(tmp_path):
    rng = random.Random(6)
    proj = confirmed_project(tmp_path / "p.db", [make_document(rng) for _ in range(12)],
                             extra=EXTRA)
    before = text_statistics(proj)
    list(proj.import_documents([ImportRecord(Document("new", "وصل زيدان إلى القاهرة."))]))
    after = text_statistics(proj)
    assert after.key != before.key and load_model(proj, TEXT_STATISTICS).meta["key"] == after.key
    assert "زيدان" in after.features


def test_kept_statistics_that_do_not_read_back_are_learned_again(tmp_path):
    rng = random.Random(8)
    proj = confirmed_project(tmp_path / "p.db", [make_document(rng) for _ in range(12)],
                             extra=EXTRA)
    good = text_statistics(proj)
    stored = load_model(proj, TEXT_STATISTICS)
    bad_counts = zlib.compress(zlib.decompress(stored.data).replace(b'"words": {',
                                                                    b'"words": {"x": [[], [1], []], ', 1))
    for damaged in (stored.data[:-7], b"not zlib at all", zlib.compress(b'{"version": 1}'),
                    zlib.compress(b"[1, 2]"), bad_counts):
        save_model(proj, TEXT_STATISTICS, stored.kind, damaged, stored.meta)
        assert text_statistics(proj).features == good.features
        assert TextStatistics.from_bytes(load_model(proj, TEXT_STATISTICS).data).key == good.key


def test_training_keeps_them_and_pack_leaves_them_behind(tmp_path):
    rng = random.Random(9)
    proj = confirmed_project(tmp_path / "p.db", [make_document(rng) for _ in range(20)],
                             labeler="gold", extra=EXTRA)
    train_entities(proj, cross_validate=False)
    assert {ENTITY_MODEL, TEXT_STATISTICS} <= set(model_names(proj))
    packed = pack(proj, tmp_path / "out", ["sara"], overlap=0)
    batch = Project.open(packed[0].path)
    assert ENTITY_MODEL in model_names(batch) and TEXT_STATISTICS not in model_names(batch)
