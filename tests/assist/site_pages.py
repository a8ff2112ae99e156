"""Invented pages of four news sites, each with its own furniture (navigation, inserts, source
form, promos, footers) that the zone rules do not know, and articles that sometimes end in a
numbered list or carry a quote cut over short lines (which stay body). For the zone model's
tests and benchmark: confirm one page of a site, score the others.

`site_pages(site, n, seed)` returns [(text, zones)] with zones as (start, end, label) tiling
the text."""
import random

PARAGRAPHS = [
    "أعلنت وزارة الاقتصاد اليوم عن حزمة إجراءات جديدة لدعم المشروعات الصغيرة والمتوسطة، تشمل "
    "قروضا ميسرة وإعفاءات ضريبية لمدة ثلاث سنوات.",
    "وقال الوزير في مؤتمر صحفي إن الحكومة تسعى إلى خفض معدلات البطالة بين الشباب، مشيرا إلى أن "
    "البرنامج سيوفر آلاف فرص العمل خلال العام المقبل.",
    "وأضاف أن الإجراءات تأتي بعد مشاورات مع ممثلي القطاع الخاص والنقابات المهنية، وأنها ستطبق "
    "على مراحل بدءا من الشهر القادم.",
    "من جهتها، رحبت غرفة التجارة بالقرار، واعتبرته خطوة مهمة لتحسين مناخ الاستثمار وتشجيع "
    "الشركات الناشئة على التوسع.",
    "وشهدت العاصمة أمس أمطارا غزيرة أدت إلى إغلاق عدد من الطرق الرئيسية، فيما دعت السلطات "
    "المواطنين إلى توخي الحذر وتجنب التنقل إلا للضرورة.",
    "وأوضح المتحدث باسم الدفاع المدني أن فرق الإنقاذ تعاملت مع عشرات البلاغات، ولم تسجل أي "
    "إصابات خطيرة حتى الآن.",
    "وفي سياق متصل، أعلنت الأرصاد الجوية أن المنخفض الجوي سيستمر حتى نهاية الأسبوع، مع توقعات "
    "بانخفاض ملحوظ في درجات الحرارة.",
    "وتستعد المدارس لاستقبال الطلاب مع بداية العام الدراسي الجديد، وسط تحديات تتعلق بنقص "
    "المعلمين واكتظاظ الفصول في بعض المناطق.",
    "وقالت مديرة التعليم إن الوزارة عينت مئات المعلمين الجدد، وإنها تعمل على بناء مدارس إضافية "
    "في الأحياء الأكثر كثافة.",
    "وأكد رئيس البلدية أن مشروع تطوير الواجهة البحرية سيكتمل قبل الصيف، وأنه سيضم حدائق عامة "
    "ومسارات للدراجات ومرافق للعائلات.",
]
LISTS = [["وتشمل الإجراءات الجديدة ما يلي:", "1. قروض ميسرة بفائدة منخفضة.",
          "2. إعفاءات ضريبية لمدة ثلاث سنوات.", "3. تدريب مجاني لأصحاب المشروعات."],
         ["وحددت الوزارة أولوياتها للعام المقبل:", "- تحسين البنية التحتية للمدارس.",
          "- تدريب المعلمين الجدد.", "- توفير الكتب في موعدها."]]
QUOTES = [["وقال أحد السكان:", "«لم نر مثل هذه الأمطار منذ سنوات،", "المياه دخلت البيوت",
           "ونحن ننتظر المساعدة»."],
          ["وكتب الشاعر في رسالته:", "«المدينة التي نحب", "لا تنام على الحزن طويلا»."]]
TITLES = ["الحكومة تطلق برنامجا لدعم المشروعات الصغيرة", "أمطار غزيرة تغلق طرقا في العاصمة",
          "المدارس تستعد لعام دراسي جديد", "مشروع الواجهة البحرية يكتمل قبل الصيف",
          "غرفة التجارة ترحب بالإجراءات الاقتصادية", "الأرصاد تتوقع استمرار المنخفض الجوي"]
CITIES = ["حلب", "صفاقس", "وهران", "إربد", "الزرقاء", "طنطا", "المنصورة", "البصرة", "مراكش",
          "نابلس", "صيدا", "الموصل", "سوسة", "أسوان", "الطائف", "إدلب"]
OPENERS = ["وفي {c}، و", "و", "وبحسب مصادر في {c}، ", "ومن {c}، "]
CLOSERS = ["وذلك بحسب ما نقلته مصادر محلية في {c}.", "وهو ما أكده مسؤولون في {c}.",
           "ويتابع سكان {c} هذه التطورات باهتمام.", "ولم يصدر تعليق رسمي من {c} بعد.", ""]

SITES = {
    "nahar": {
        "head": ["الصفحة الأولى | محليات | اقتصاد | رياضة | منوعات", "بحث في الموقع"],
        "meta": ["نشر في {d}/10/2024 الساعة {h}:15"],
        "source": ["نقلا عن: مراسل الشبكة في العاصمة"],
        "insert": "شاهد أيضا: تقرير مصور عن {t}",
        "tail": ["قد يعجبك أيضا", "{t}", "{t}", "حمل تطبيق الشبكة على هاتفك",
                 "سياسة الخصوصية | اتصل بنا | من نحن", "شبكة النهار الإخبارية 2024"],
    },
    "wadi": {
        "head": ["☰ القائمة", "أخبار الوادي - آخر تحديث {h}:05"],
        "meta": [],
        "source": ["تحرير: قسم الأخبار المحلية - الوادي"],
        "insert": "مواضيع قد تهمك ← {t}",
        "tail": ["ابق على اطلاع", "اشترك في النشرة البريدية الأسبوعية", "بريدك هنا",
                 "اشترك الآن", "موقع الوادي يحترم خصوصيتك"],
    },
    "sahel": {
        "head": ["السبت {d} أكتوبر 2024 | الطقس: مشمس 27", "عاجل ▪ نتائج مباريات الدوري"],
        "meta": ["زمن القراءة: {h} دقائق"],
        "source": ["للتواصل مع فريق التحرير: newsroom@sahel.example"],
        "insert": "إعلان ممول",
        "tail": ["التعليقات (0)", "كن أول من يعلق على الخبر", "الساحل نيوز © كل الحقوق محفوظة"],
    },
    "qalam": {
        "head": ["قلم | صحافة مستقلة", "الرئيسية > تقارير > مجتمع"],
        "meta": ["كتبه فريق قلم — {d} أكتوبر"],
        "source": ["ساهم في إعداد هذا التقرير: مراسلو قلم في المحافظات"],
        "insert": "▶ استمع إلى هذا التقرير",
        "tail": ["انشر", "واتساب · فيسبوك · إكس", "أخبار ذات صلة", "{t}", "{t}",
                 "يمكنكم دعم الصحافة المستقلة بالتبرع"],
    },
}


def site_pages(site: str, n: int, seed: int = 0):
    rng = random.Random(f"{site}-{seed}")
    style = SITES[site]
    pages = []
    for _ in range(n):
        parts: list[tuple[str, str]] = []  # (line, label)

        def fill(line):
            return line.format(d=rng.randint(1, 28), h=rng.randint(1, 9), t=title())

        def title():
            return f"{rng.choice(TITLES)} في {rng.choice(CITIES)}"
        parts += [(fill(x), "boilerplate") for x in style["head"]]
        parts.append((title(), "body"))
        parts += [(fill(x), "boilerplate") for x in style["meta"]]
        # Each article's own wording: a paragraph never recurs verbatim on another page.
        paragraphs = [f"{rng.choice(OPENERS).format(c=rng.choice(CITIES))}{p[1:]}"
                      f" {rng.choice(CLOSERS).format(c=rng.choice(CITIES))}"
                      for p in rng.sample(PARAGRAPHS, rng.randint(3, 5))]
        for k, para in enumerate(paragraphs):
            parts.append((para, "body"))
            if k == 1 and rng.random() < 0.5:
                parts.append((fill(style["insert"]), "boilerplate"))
            if k == len(paragraphs) - 2 and rng.random() < 0.4:
                parts += [(x, "body") for x in rng.choice(QUOTES)]
        if rng.random() < 0.5:  # the article's own list: its items name the place
            intro, *items = rng.choice(LISTS)
            parts += [(intro, "body")] + [(f"{x[:-1]} في {rng.choice(CITIES)}.", "body")
                                          for x in items]
        parts += [(fill(x), "source") for x in style["source"]]
        parts += [(fill(x), "boilerplate") for x in style["tail"]]
        text = ""
        zones = []
        for line, label in parts:
            start = len(text)
            text += line + "\n"
            if zones and zones[-1][2] == label:
                zones[-1] = (zones[-1][0], len(text), label)
            else:
                if zones:
                    zones[-1] = (zones[-1][0], start, zones[-1][2])
                zones.append((start, len(text), label))
        pages.append((text, zones))
    return pages
