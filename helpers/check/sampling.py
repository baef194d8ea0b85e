"""Checks for lesson 4, "Sampling a pretrained model" (notebooks/easy/04_sampling_a_pretrained_model.ipynb).

The filters work on one distribution at a time: a 1-D torch tensor of logits
or probabilities, and must return a tensor (the next cell chains them and
samples with ``torch.multinomial``). The references are the course's own
``helpers.sampling.filter_logits`` and ``helpers.stats.pitch_class_histogram``.
"""

import math
import random

import torch

from helpers import stats
from helpers.check.calling import expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import as_numbers, expect_close_numbers, expect_float_tensor
from helpers.check.core import Hint, register
from helpers.check.inputs import piece_from_notes, random_piece, random_probs, torch_generator
from helpers.notes import add_note, new_sequence
from helpers.sampling import filter_logits


def temperature_reference(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(logits / temperature), through ``helpers.sampling.filter_logits``.

    Example: ``temperature_reference(torch.tensor([1.0, 0.0]), 1.0)`` -> ``tensor([0.7311, 0.2689])``
    """
    return torch.softmax(filter_logits(logits[None], temperature=temperature), dim=-1)[0]


def _expect_distribution(got, expected, tip: str) -> None:
    tensor = expect_float_tensor(got, tuple(expected.shape))
    values = tensor.detach().double().tolist()
    if any(math.isnan(v) or v < -1e-9 for v in values) or abs(sum(values) - 1) > 1e-4:
        raise Hint(f"expected probabilities (no negatives, summing to 1) "
                   f"{[round(v, 4) for v in expected.tolist()]}, got {[round(v, 4) for v in values]} "
                   f"(sum {sum(values):.4f}). {tip}")
    expect_close_numbers(values, expected.double().tolist(), 1e-5, tip)


@register("sample-temperature")
def check_temperature(answer, rng: random.Random) -> None:
    """Lesson 4, exercise 1: ``apply_temperature(logits, temperature)``.

    Example: ``check("sample-temperature", apply_temperature)``
    """
    expect_function(answer, "apply_temperature")
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cases = [Case((logits.clone(), 1.0)), Case((logits.clone(), 0.5)), Case((logits.clone(), 2.0)),
             Case((torch.tensor([3.0, -2.5, 0.5], dtype=torch.float64), 0.7), "float64 logits")]
    for _ in range(10):
        n = rng.randint(2, 10)
        values = (torch.rand(n, generator=torch_generator(rng)) * 10 - 5)
        cases.append(Case((values, round(rng.uniform(0.2, 3.0), 2))))
    run_cases(answer, "apply_temperature", cases, temperature_reference,
              lambda got, want, case: _expect_distribution(
                  got, want, "Divide the logits by the temperature, then take the softmax."),
              mistakes={"divide by the temperature, do not multiply": lambda l, t: torch.softmax(l * t, -1),
                        "the temperature must change the result": lambda l, t: torch.softmax(l, -1)})


def top_k_reference(probs: torch.Tensor, k: int) -> torch.Tensor:
    """The ``k`` largest probabilities kept and renormalised, through ``filter_logits(top_k=k)``.

    Example: ``top_k_reference(torch.tensor([0.5, 0.3, 0.2]), 2)`` -> ``tensor([0.625, 0.375, 0.0])``
    """
    return torch.softmax(filter_logits(torch.log(probs)[None], top_k=k), dim=-1)[0]


@register("sample-top-k")
def check_top_k(answer, rng: random.Random) -> None:
    """Lesson 4, exercise 2: ``top_k_filter(probs, k)``.

    Example: ``check("sample-top-k", top_k_filter)``
    """
    expect_function(answer, "top_k_filter")
    probs = torch.tensor([0.1, 0.4, 0.05, 0.3, 0.15])
    cases = [Case((probs.clone(), 2)), Case((probs.clone(), 1), "k = 1"), Case((probs.clone(), 5), "k = all")]
    for _ in range(10):
        n = rng.randint(3, 12)
        cases.append(Case((random_probs(rng, n), rng.randint(1, n))))
    run_cases(answer, "top_k_filter", cases, top_k_reference, lambda got, want, case: _expect_distribution(
        got, want, "Keep the k largest probabilities, set the others to 0, and divide by the sum of "
                   "what is kept."))


def top_p_reference(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus filtering through ``filter_logits(top_p=p)``: the most likely tokens until they reach ``p``.

    Example: ``top_p_reference(torch.tensor([0.5, 0.3, 0.2]), 0.6)`` -> ``tensor([0.625, 0.375, 0.0])``
    """
    return torch.softmax(filter_logits(torch.log(probs)[None], top_p=p), dim=-1)[0]


def _clear_p(rng: random.Random, probs: torch.Tensor) -> float:
    """A p that no running total of the sorted probabilities comes within 0.002 of (no ties)."""
    totals = torch.sort(probs, descending=True).values.double().cumsum(0).tolist()
    while True:
        p = round(rng.uniform(0.05, 1.0), 3)
        if all(abs(t - p) > 0.002 for t in totals):
            return p


@register("sample-top-p")
def check_top_p(answer, rng: random.Random) -> None:
    """Lesson 4, exercise 3: ``top_p_filter(probs, p)``.

    Example: ``check("sample-top-p", top_p_filter)``
    """
    expect_function(answer, "top_p_filter")
    probs = torch.tensor([0.1, 0.4, 0.05, 0.3, 0.15])
    exact = torch.tensor([0.0625, 0.25, 0.125, 0.5, 0.0625])
    cases = [Case((probs.clone(), 0.5)), Case((probs.clone(), 0.3), "the top token alone reaches p"),
             Case((exact, 0.75), "0.5 + 0.25 reach p = 0.75 exactly: keep those two, no more"),
             Case((probs.clone(), 1.0), "p = 1: keep everything")]
    for _ in range(10):
        values = random_probs(rng, rng.randint(3, 10))
        cases.append(Case((values, _clear_p(rng, values))))
    run_cases(answer, "top_p_filter", cases, top_p_reference, lambda got, want, case: _expect_distribution(
        got, want, "Sort from most to least likely and keep tokens until their total reaches p (the "
                   "token that reaches it is kept), then renormalise. The tensor is not sorted."),
        mistakes={"keep the token that reaches p too, and stop there": _top_p_strict,
                  "the probabilities are not sorted: go from the most likely down (torch.argsort)": _top_p_unsorted})


def _top_p_strict(probs, p):
    """A known mistake: drop the token whose probability takes the total past p."""
    kept, total = torch.zeros_like(probs), 0.0
    for i in torch.argsort(probs, descending=True).tolist():
        if total + probs[i].item() > p + 1e-9:
            break
        kept[i], total = probs[i], total + probs[i].item()
    return kept / kept.sum() if kept.sum() > 0 else kept


def _top_p_unsorted(probs, p):
    """A known mistake: take the tokens in the order they are stored."""
    kept, total = torch.zeros_like(probs), 0.0
    for i in range(len(probs)):
        kept[i], total = probs[i], total + probs[i].item()
        if total >= p - 1e-9:
            break
    return kept / kept.sum()


@register("sample-pitch-classes")
def check_pitch_classes(answer, rng: random.Random) -> None:
    """Lesson 4, exercise 4: ``pitch_class_histogram(piece)`` against ``helpers.stats``.

    Example: ``check("sample-pitch-classes", pitch_class_histogram)``
    """
    expect_function(answer, "pitch_class_histogram")
    melody = piece_from_notes([(60, 0.0, 2.0, 40), (62, 2.0, 2.25, 100), (64, 2.25, 2.5, 90),
                               (72, 2.5, 4.0, 60), (67, 4.0, 4.1, 127), (61, 4.1, 5.0, 80)], qpm=100)
    drums = piece_from_notes([(64, 0.0, 1.0), (67, 1.0, 1.5)])
    for t in (0.0, 0.5, 1.0):
        add_note(drums, 42, t, t + 0.1, instrument=3, is_drum=True)
    only_drums = new_sequence()
    add_note(only_drums, 36, 0.0, 0.1, instrument=9, is_drum=True)
    cases = [Case((melody,), "notes of different lengths and velocities: count notes, not seconds"),
             Case((drums,), "drum hits on instrument 3: skipped"),
             Case((only_drums,), "no pitched notes: twelve 0s"), Case((new_sequence(),), "no notes: twelve 0s")]
    cases += [Case((random_piece(rng, drums=rng.randint(0, 3)),)) for _ in range(10)]

    def compare(got, expected, case):
        values = as_numbers(got, 12, "pitch_class_histogram")
        expect_close_numbers(values, [float(x) for x in expected], 1e-6,
                             "Count each pitched note's pitch % 12 (C=0, C#=1, ...), skipping drums, then "
                             "divide by the number of pitched notes, so the 12 numbers sum to 1.")

    run_cases(answer, "pitch_class_histogram", cases, stats.pitch_class_histogram, compare, mistakes={
        "count each note once, whatever its length (not its duration)":
            lambda piece: _weighted(piece, lambda n: n.end_time - n.start_time),
        "count each note once, whatever its velocity": lambda piece: _weighted(piece, lambda n: n.velocity),
        "skip the drum notes (note.is_drum)": lambda piece: _weighted(piece, lambda n: 1, drums=True),
        "divide the counts by the number of pitched notes": lambda piece: _weighted(piece, lambda n: 1, share=False)})


def _weighted(piece, weight, drums: bool = False, share: bool = True) -> list[float]:
    """A histogram with each note weighted by ``weight(note)``: the usual mistakes."""
    counts = [0.0] * 12
    for note in piece.notes:
        if drums or not note.is_drum:
            counts[note.pitch % 12] += weight(note)
    total = sum(counts)
    return [c / total if total and share else c for c in counts]
