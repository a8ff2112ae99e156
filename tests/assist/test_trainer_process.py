"""The CRF trainer in a process of its own (annotator.assist.crf.TrainerProcess): the same
model as training here, and a clear error, never a hang or a traceback, when it fails."""
import random
from pathlib import Path

import pytest

from annotator.assist import crf
from annotator.assist.crf import ModelError, Trainer, TrainerProcess
from annotator.assist.entity_model import Doc, TRAIN_PARAMS, train

from .learning_data import make_document


def _sequences(count: int = 120):
    rng = random.Random(7)
    out = []
    for _ in range(count):
        words = [rng.choice(["قال", "في", "بيروت", "سامي", "النجار", "،", "أمس", "إلى"])
                 for _ in range(rng.randint(3, 12))]
        xseq = [[f"w={w}", f"p={w[:2]}", "bias"] for w in words]
        yseq = ["B-PER" if w == "سامي" else "I-PER" if w == "النجار" else
                "B-LOC" if w == "بيروت" else "O" for w in words]
        out.append((xseq, yseq))
    return out


def test_the_trainer_process_gives_the_model_training_here_gives_byte_for_byte():
    here, there = Trainer(TRAIN_PARAMS), TrainerProcess(TRAIN_PARAMS)
    for xseq, yseq in _sequences():
        here.append(xseq, yseq)
        there.append(xseq, yseq)
    model = there.train()
    assert model == here.train()
    assert len(model) > 1000


def test_an_entity_model_trained_with_a_trainer_process_is_the_same_model(monkeypatch):
    rng = random.Random(3)
    docs = [Doc(*make_document(rng)) for _ in range(30)]
    here = train(docs)
    started = []

    class Counted(TrainerProcess):
        def __init__(self, params):
            started.append(params)
            super().__init__(params)

    monkeypatch.setattr(crf, "OWN_PROCESS_FROM", 1)
    monkeypatch.setattr(crf.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(crf, "TrainerProcess", Counted)
    there = train(docs)
    assert len(started) == 1
    assert there.crf == here.crf
    assert there.meta["tokens"] == here.meta["tokens"] > 0


def test_what_crfsuite_refuses_in_the_trainer_process_is_a_model_error():
    there = TrainerProcess(TRAIN_PARAMS)
    there.append([["a"], ["b"]], ["O"])  # two items, one label
    with pytest.raises(ModelError, match="training failed"):
        there.train()


def test_a_trainer_process_that_dies_is_a_model_error_not_a_hang():
    there = TrainerProcess(TRAIN_PARAMS)
    sequences = _sequences(800)
    while not there._up:  # up, and fed
        there.append(*sequences.pop())
    there._process.kill()
    there._process.join()
    for xseq, yseq in sequences:  # more than the pipe holds
        try:
            there.append(xseq, yseq)
        except ModelError:
            break
    with pytest.raises(ModelError):
        there.train()
    assert there._here is None


def test_few_tokens_are_trained_here():
    assert isinstance(crf.trainer(TRAIN_PARAMS, 100), Trainer)


def test_what_crfsuite_refuses_early_is_said_even_while_more_is_sent():
    there = TrainerProcess(TRAIN_PARAMS)
    there.append([["a"], ["b"]], ["O"])
    with pytest.raises(ModelError, match="training failed: ValueError"):
        for xseq, yseq in _sequences(2000):  # the process stops reading after the error
            there.append(xseq, yseq)
        there.train()


def test_a_trainer_process_that_never_comes_up_leaves_the_training_here(monkeypatch):
    """As with a script that trains without `if __name__ == "__main__":` (its spawned process
    dies importing it): the sequences go to a trainer here, the model is the same."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[_NAME_DEPTH]))
    monkeypatch.setattr(crf, "_train_here", _dies_at_once)
    there = TrainerProcess(TRAIN_PARAMS)
    here = Trainer(TRAIN_PARAMS)
    for xseq, yseq in _sequences(400):
        there.append(xseq, yseq)
        here.append(xseq, yseq)
    assert there._here is not None and there._process.exitcode == 3
    assert there.train() == here.train()


def _dies_at_once(conn, params):
    raise SystemExit(3)


def test_a_trainer_process_slow_to_come_up_is_not_waited_for_forever(monkeypatch):
    # The spawned process imports this module to find _never_says_it_is_up.
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[_NAME_DEPTH]))
    monkeypatch.setattr(crf, "_train_here", _never_says_it_is_up)
    monkeypatch.setattr(crf, "_UP_WITHIN", 0.5)
    there = TrainerProcess(TRAIN_PARAMS)
    here = Trainer(TRAIN_PARAMS)
    for xseq, yseq in _sequences(400):
        there.append(xseq, yseq)
        here.append(xseq, yseq)
    assert there._here is not None and not there._process.is_alive()
    assert there._process.exitcode != 1  # it was running (killed), not dead on import
    assert there.train() == here.train()


# This module's name is "assist.test_trainer_process" or "tests.assist.test_trainer_process",
# depending on how pytest imported it: the folder above its top package goes on sys.path.
_NAME_DEPTH = __name__.count(".")


def _never_says_it_is_up(conn, params):
    import time
    time.sleep(60)
