"""Word representations learned from all of a project's text (annotator.assist.distributional)."""
from annotator.assist.distributional import WordContexts
from annotator.core.arabic import normalize_text


def words(text):
    return normalize_text(text).split()


def test_a_word_nobody_confirmed_is_name_like_from_its_contexts():
    # Confirmed: names follow قال and الرئيس. Unconfirmed text: زيدان always follows them,
    # المشروع never does.
    confirmed = []
    for name in ("سامي", "كريم", "نبيل", "رامي"):
        for line in (f"قال {name} إن المشروع تأخر", f"والتقى الرئيس {name} أمس"):
            ws = words(line)
            confirmed.append((ws, [w == normalize_text(name) for w in ws]))
    unlabeled = ["قال زيدان إن المشروع تأخر", "والتقى الرئيس زيدان أمس",
                 "قال زيدان إن العمل بدأ", "ورأى المشروع النور أمس"] * 3
    table = WordContexts.learn(unlabeled, confirmed)
    zidane = table.features(normalize_text("زيدان"))
    project = table.features(normalize_text("المشروع"))
    assert "nameL=vhi" in zidane and "nameL=vhi" not in project
    assert any(f.startswith("ctxL=") for f in zidane)
    assert table.features("كلمة-لم-ترد") == ()


def test_it_travels_with_the_model():
    table = WordContexts.learn(["قال زيدان إن", "قال زيدان أن"])
    assert WordContexts.from_json(table.to_json()).table == table.table
