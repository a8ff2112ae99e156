"""Agreement between labelers: entities, zones and stance; per document, label, pair and overall.

Pure Python (no Qt, no numpy). Every figure is computed from counts that add up over documents,
so 100,000 documents stream through in one pass and the overall figure is exactly the one a
library would give on the concatenated data.

What each figure is (the JSON of `annotator agree` uses these names):

entities, per labeler pair "a|b" (a is the reference, b the hypothesis; F1 is symmetric):
  exact       precision / recall / F1: same start, end and label.
  overlap     the same, where spans of the same label that overlap count as a match; matching is
              one-to-one, largest overlap first.
  token_cohen_kappa
              Cohen's kappa over tokens (maximal runs of non-space characters, punctuation
              attached as written); a token's label is the label of the entity that overlaps it
              (the longest one if several), `(none)` if none does.
zones, per pair (only documents where both labelers labeled some zone):
  char_cohen_kappa   Cohen's kappa over characters, categories = zone labels including `none`.
  per_label char_f1  per zone label, agreement on its characters: 2·both / (a's + b's).
  boundary_f1        inner boundaries (where the zone label changes) matched one-to-one when at
                     most `tolerance` characters apart.
  pk, windowdiff     Beeferman et al. 1999, Pevzner & Hearst 2002 over characters, a as the
                     reference; window k = half the mean length of a's segments (rounded, ≥ 1);
                     windows i = 0 … N−k as in NLTK; pooled over all windows of all documents.
stance, over units (document, holder, target) → value; a labeler who annotated the document but
  has no stance for a unit another labeler marked gives it the value `(none)`; a labeler without
  a layer for the document is missing (Krippendorff) or the unit is left out (Cohen, Fleiss):
  cohen_kappa        per pair; at the top level when there are exactly two labelers.
  fleiss_kappa       over units every labeler rated (Fleiss 1971).
  krippendorff_alpha nominal, missing data allowed (Krippendorff 2011).

The package is split along those lines: units (what is compared of a layer; stance units),
coefficients, entities, zones, and tallies (per document and pair, adding up; the whole
computation). Everything public is importable from here.
"""
from .common import NOT_LABELERS, NOTHING, DEFAULT_TOLERANCE, PAIR_SEPARATOR, Span, StanceKey
from .units import (name_key, party_key, stance_key, canonical_names, Marks, marks,
                    marks_from_json, StoredLayers)
from .coefficients import (cohen_kappa, cohen_kappa_of, FleissTally, fleiss_kappa, AlphaTally,
                           krippendorff_alpha)
from .entities import overlap_matches, exact_matches, token_label, token_count, token_confusion
from .zones import char_confusion, boundaries, boundary_matches, pk_window, segmentation_errors
from .tallies import (disagreement_count, prf, PairTally, compare_pair, pair_name, DocumentTally,
                      Agreement, labelers_of, compute)

__all__ = ["NOT_LABELERS", "NOTHING", "DEFAULT_TOLERANCE", "PAIR_SEPARATOR", "Span", "StanceKey",
           "name_key", "party_key", "stance_key", "canonical_names", "Marks", "marks",
           "marks_from_json", "StoredLayers", "cohen_kappa", "cohen_kappa_of", "FleissTally", "fleiss_kappa",
           "AlphaTally", "krippendorff_alpha", "overlap_matches", "exact_matches", "token_label",
           "token_count", "token_confusion", "char_confusion", "boundaries", "boundary_matches",
           "pk_window", "segmentation_errors", "disagreement_count", "prf", "PairTally",
           "compare_pair", "pair_name", "DocumentTally", "Agreement", "labelers_of", "compute"]
