"""Damaged stored layers, said in the windows: a layer of the project file that does not hold
(edited by hand, damaged; core.model.layer_problem names what is wrong) is shown read-only.
The status bar names it, and while the document is on screen an amber banner above the text
says that nothing will be written over it. The labeling and the review windows share this.
"""
from __future__ import annotations

from . import i18n
from .banner import BannerRow
from .i18n import ltr, tr

DAMAGED_STYLE = ("background: #ffb300; color: black; font-weight: bold; "
                 "padding: 6px 12px; font-size: 13pt;")

i18n.add_strings({
    "bar.damaged_layer": ("Damaged, left out and read-only (annotator check lists every "
                          "problem): {layers}",
                          "طبقة تالفة، استُبعدت وهي للقراءة فقط (يسرد \u2066annotator check"
                          "\u2069 كل المشكلات): {layers}"),
    "bar.damaged_suggestions": ("Damaged suggestions, left out; your labels work as usual "
                                "(annotator check lists every problem): {layers}",
                                "اقتراحات تالفة استُبعدت؛ وتسمياتك تعمل كالمعتاد (يسرد "
                                "\u2066annotator check\u2069 كل المشكلات): {layers}"),
    "bar.damaged_read_only": ("Not saved: this layer is damaged in the project file and "
                              "read-only: {layers}",
                              "لم يُحفظ: هذه الطبقة تالفة في ملف المشروع وهي للقراءة فقط: "
                              "{layers}"),
    "banner.damaged_layer": ("READ-ONLY — your labels of this document are damaged in the "
                             "project file and are not shown. Nothing will be written over "
                             "them. {layers}",
                             "للقراءة فقط — تسمياتك لهذا المستند تالفة في ملف المشروع ولا "
                             "تُعرض، ولن يُكتب فوقها شيء. {layers}"),
    "review.gold_read_only": ("Not saved: gold is damaged in the project file and read-only "
                              "({problem}). Gold ▸ Start gold afresh replaces it.",
                              "لم يُحفظ: الطبقة الذهبية تالفة في ملف المشروع وهي للقراءة فقط "
                              "(\u2066{problem}\u2069). «ابدأ الذهبية من جديد» في قائمة "
                              "الذهبي يستبدلها."),
    "review.banner.gold_damaged": ("READ-ONLY — gold of this document is damaged in the "
                                   "project file and is not shown. Nothing will be written "
                                   "over it unless you choose Gold ▸ Start gold afresh. "
                                   "{layers}",
                                   "للقراءة فقط — الطبقة الذهبية لهذا المستند تالفة في ملف "
                                   "المشروع ولا تُعرض، ولن يُكتب فوقها شيء إلا إذا اخترت "
                                   "«ابدأ الذهبية من جديد» في قائمة الذهبي. {layers}"),
    "review.menu.gold_afresh": ("Start gold afresh", "ابدأ الذهبية من جديد"),
    "review.gold_afresh.title": ("Start gold afresh", "ابدأ الذهبية من جديد"),
    "review.gold_afresh.text": ("Gold of {doc} is damaged ({problem}). Replace it with what "
                                "the labelers agree on? The damaged gold stays in the change "
                                "log.",
                                "الطبقة الذهبية للمستند {doc} تالفة (\u2066{problem}\u2069). "
                                "أتستبدلها بما يتفق عليه المُعلِّمون؟ تبقى الطبقة التالفة في "
                                "سجل التغييرات."),
    "review.gold_afresh.yes": ("&Yes, start afresh", "&نعم، ابدأ من جديد"),
    "review.gold_afresh.none": ("Gold of this document holds: nothing to start afresh.",
                                "الطبقة الذهبية لهذا المستند سليمة: لا شيء يُبدأ من جديد."),
})


def damaged_layers(damaged: dict[str, str]) -> str:
    """'name: problem; …', each kept left to right inside an Arabic sentence."""
    return "; ".join(ltr(f"{name}: {problem}") for name, problem in damaged.items())


class DamagedBanner(BannerRow):
    """A banner row above the text, hidden while the layer on screen holds."""

    def __init__(self, window, object_name: str = "damagedLayerBanner"):
        super().__init__(window, object_name, DAMAGED_STYLE)
        self._shown: tuple[str, dict] | None = None
        i18n.notifier.changed.connect(self._retranslate)

    def show(self, key: str, damaged: dict[str, str]) -> None:
        self._shown = (key, dict(damaged))
        super().show(tr(key, layers=damaged_layers(damaged)))

    def hide(self) -> None:
        self._shown = None
        super().hide()

    def text(self) -> str:
        return "" if self.bar.isHidden() else self.label.text()

    def _retranslate(self, _lang: str | None = None) -> None:
        if self._shown is not None:
            self.label.setText(tr(self._shown[0], layers=damaged_layers(self._shown[1])))

    def stop(self) -> None:
        i18n.notifier.changed.disconnect(self._retranslate)
