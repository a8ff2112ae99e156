"""Invented Arabic news sentences with their entities, for the learning tests: names of
people, places and organisations, written bare and with proclitics (و ب ل ف), among ordinary
words (على among them), so that a model has a convention and a context to learn."""
import random

PEOPLE = ["سامي النجار", "ليلى حداد", "كريم منصور", "هدى العلي", "نبيل الخطيب", "رامي يوسف",
          "منى الشامي", "طارق عزام", "سلمى الحسيني", "فادي جرجس", "عمر الزين", "ريم قاسم"]
PLACES = ["بيروت", "طرابلس", "دمشق", "عمان", "القاهرة", "تونس", "الرباط", "حلب", "صيدا",
          "بغداد", "الخرطوم", "مسقط"]
ORGS = ["اتحاد العمال", "نقابة المحامين", "شركة النور", "جمعية الأمل", "بنك الشرق"]

# {P}: a person, {L}: a place, {O}: an organisation; a proclitic letter before the brace glues
# it to the name.
TEMPLATES = [
    "وقال {P} إن الوضع في {L} يتحسن على نحو بطيء.",
    "وصل {P} إلى {L} أمس في زيارة رسمية.",
    "وأكد {P} أن {O} ستعقد اجتماعا في {L} الأسبوع المقبل.",
    "والتقى رئيس {O} مع {P} لبحث الأوضاع على الحدود.",
    "وشهدت و{L} احتجاجات واسعة على الأسعار.",
    "وفي ب{L} أعلنت {O} عن خطة جديدة للتوظيف.",
    "وقالت مصادر ل{P} إن المفاوضات ستستمر.",
    "وعاد ف{P} إلى {L} بعد غياب طويل.",
    "وأشار المتحدث إلى أن الحكومة وافقت على المشروع.",
    "وحصل العمال على زيادة في الأجور بعد اتفاق مع الإدارة.",
    "وتوجه وفد من {O} إلى {L} للمشاركة في المؤتمر.",
    "ورحب {P} بالقرار ودعا إلى العمل على تنفيذه.",
]


def make_document(rng: random.Random, inside: bool = False, sentences: int = 8,
                  people=PEOPLE, places=PLACES, orgs=ORGS):
    """(text, entities [(start, end, label)]): inside=True keeps a glued proclitic inside the
    span (the convention some projects follow), False leaves it outside."""
    text = ""
    spans = []
    for _ in range(sentences):
        template = rng.choice(TEMPLATES)
        if text:
            text += " "
        i = 0
        while i < len(template):
            if template[i] == "{":
                kind = template[i + 1]
                name = rng.choice({"P": people, "L": places, "O": orgs}[kind])
                label = {"P": "PER", "L": "LOC", "O": "ORG"}[kind]
                glued = text[-1:] in ("و", "ب", "ل", "ف") and (len(text) < 2 or text[-2] == " ")
                start = len(text) - 1 if glued and inside else len(text)
                text += name
                spans.append((start, len(text), label))
                i += 3
            else:
                text += template[i]
                i += 1
    return text, spans
