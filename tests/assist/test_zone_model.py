"""Zones that learn the site: one confirmed page of each site teaches the rest of it, lists
and quotes inside an article stay body, and the model lives in the project file."""
from annotator.assist import assist_documents
from annotator.assist.score import score_project
from annotator.assist.training import load_zone_model, model_state, train_zone_model
from annotator.core.model import GOLD, SUGGESTIONS, Document, Layer, Zone
from annotator.store import ImportRecord, Project

from .site_pages import SITES, site_pages


def site_project(path, pages_per_site=5):
    proj = Project.create(path)
    records, gold = [], {}
    for site in SITES:
        for k, (text, zones) in enumerate(site_pages(site, pages_per_site, seed=1)):
            doc_id = f"{site}-{k}"
            records.append(ImportRecord(Document(doc_id, text)))
            gold[doc_id] = Layer(tuple(Zone(*z) for z in zones))
    list(proj.import_documents(records))
    return proj, gold


def test_one_confirmed_page_of_a_site_teaches_the_rest(tmp_path):
    proj, gold = site_project(tmp_path / "p.db")
    for site in SITES:  # a reviewer confirms the first page of each site
        proj.put_layer(f"{site}-0", GOLD, gold[f"{site}-0"], "rita", "adjudicate")
    rest = [d for d in gold if not d.endswith("-0")]
    # The rules alone, scored against what people would say.
    assist_documents(proj, rest, entities=False, use_model=False)
    for doc_id in rest:
        proj.put_layer(doc_id, "truth", gold[doc_id], "test", "label")
    rules_score = score_project(proj, "truth", SUGGESTIONS)
    meta = train_zone_model(proj)
    assert meta["pages"] == len(SITES)
    assert "zones learned from 4 confirmed pages" in model_state(proj)
    assist_documents(proj, rest, entities=False)
    model_score = score_project(proj, "truth", SUGGESTIONS)
    assert model_score.boundaries.f1 >= 0.85 > rules_score.boundaries.f1
    assert model_score.char_accuracy >= 0.95 > rules_score.char_accuracy
    # Lists and quotes inside articles stay body.
    for doc_id in rest:
        text = proj.get_text(doc_id)
        zones = proj.get_layer(doc_id, SUGGESTIONS).zones
        for marker in ("2. ", "- تدريب", "«"):
            at = text.find(marker)
            if at != -1 and any(z.start <= at < z.end and z.label == "body"
                                for z in gold[doc_id].zones):
                label = next(z.label for z in zones if z.start <= at < z.end)
                assert label == "body", (doc_id, marker)


def test_the_zone_model_is_stored_and_reloaded(tmp_path):
    proj, gold = site_project(tmp_path / "p.db", 2)
    assert train_zone_model(proj) is None  # nothing confirmed yet
    proj.put_layer("nahar-0", "sara", gold["nahar-0"], "sara", "label")
    proj.set_status("nahar-0", "sara", "done")
    assert train_zone_model(proj)["pages"] == 1
    proj.close()
    with Project.open(tmp_path / "p.db") as again:
        model = load_zone_model(again)
        text = again.get_text("nahar-1")
        zones = model.suggest(text)
        assert zones[0].start == 0 and zones[-1].end == len(text)
        assert all(a.end == b.start for a, b in zip(zones, zones[1:]))
