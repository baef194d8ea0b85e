"""Every check accepts the right answer, rejects wrong ones with a hint, and never crashes.

For each exercise id: the reference answer passes, at least two wrong answers
are rejected with status "wrong", the exercise stub gives "not done", and an
answer of the wrong type gives a hint rather than a traceback.
"""

import copy
import math

import pytest
import torch

from helpers import music
from helpers.check import CHECKS, check, run_check


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 1: write it")


def _transpose_in_place(seq, s):
    for n in seq.notes:
        if not n.is_drum:
            n.pitch += s
    return seq


def _transpose_drums_too(seq, s):
    out = copy.deepcopy(seq)
    for n in out.notes:
        n.pitch += s
    return out


def _stretch_without_tempo(seq, f):
    out = copy.deepcopy(seq)
    for n in out.notes:
        n.start_time *= f
        n.end_time *= f
    out.total_time *= f
    return out


def _count_one_track(seq):
    return len([n for n in seq.notes if n.instrument == 0])


def _range_with_drums(seq):
    pitches = [n.pitch for n in seq.notes]
    return (min(pitches), max(pitches))


def _german(table):
    region = table["region"].str.contains("deutschland", case=False, na=False)
    return table[region & (table["meter"] == "3/4")]


def _top_values(table, column, n):
    return list(table[column].value_counts().head(n).items())


def _find_leaks(splits, key_of):
    train = {key_of[i] for i in splits["train"]}
    return [i for name in ("valid", "test") for i in splits[name] if key_of[i] in train]


def _shifts(steps, m):
    return [f"TIME_SHIFT_{m}"] * (steps // m) + ([f"TIME_SHIFT_{steps % m}"] if steps % m else [])


def _grid(notes, n):
    out = ["REST"] * n
    for pitch, start, end in notes:
        out[start:end] = [f"PITCH_{pitch}"] + ["HOLD"] * (end - start - 1)
    return out


def _ungrid(tokens):
    notes, current = [], None
    for step, token in enumerate(tokens + ["REST"]):
        if token != "HOLD" and current:
            notes.append((current[0], current[1], step))
            current = None
        if token.startswith("PITCH_"):
            current = (int(token[6:]), step)
    return notes


def _vocab(names):
    return {name: i for i, name in enumerate(["PAD", "BOS", "EOS"] + sorted(set(names)))}


RIGHT = {
    "tok-time-shift": _shifts,
    "tok-melody-grid": _grid,
    "tok-grid-to-notes": _ungrid,
    "tok-vocab": _vocab,
    "data-german-3-4": _german,
    "data-top-values": _top_values,
    "data-interval-key": lambda p: tuple(b - a for a, b in zip(p, p[1:])),
    "data-find-leaks": _find_leaks,
    "data-allowed-shifts": lambda lo, hi, low, high, m: [s for s in range(-m, m + 1)
                                                          if lo + s >= low and hi + s <= high],
    "start-count-notes": lambda seq: len(seq.notes),
    "start-pitch-range": lambda seq: (min(n.pitch for n in seq.notes if not n.is_drum),
                                      max(n.pitch for n in seq.notes if not n.is_drum)),
    "midi-pitch-name": music.pitch_name,
    "midi-seconds-to-beats": music.seconds_to_beats,
    "midi-melody": lambda pitches, qpm: music.melody(pitches, 1.0, qpm=qpm),
    "midi-transpose": music.transpose,
    "midi-stretch": music.stretch,
    "midi-snap": lambda s, qpm, k: round(s / (60 / qpm / k)) * (60 / qpm / k),
}

WRONG = {
    "tok-time-shift": [lambda s, m: [f"TIME_SHIFT_{s}"], lambda s, m: [f"TIME_SHIFT_{m}"] * (s // m + 1),
                       lambda s, m: "TIME_SHIFT_4"],
    "tok-melody-grid": [lambda n, k: _grid(n, k)[:-1], lambda n, k: [t.replace("REST", "HOLD") for t in _grid(n, k)],
                        lambda n, k: " ".join(_grid(n, k))],
    "tok-grid-to-notes": [lambda t: _ungrid(t)[:-1], lambda t: [(p, s, e - 1) for p, s, e in _ungrid(t)],
                          lambda t: {n for n in _ungrid(t)}],
    "tok-vocab": [lambda n: {x: i for i, x in enumerate(sorted(set(n)))},
                  lambda n: {x: i for i, x in enumerate(["PAD", "BOS", "EOS"] + list(dict.fromkeys(n)))},
                  lambda n: ["PAD", "BOS", "EOS"] + sorted(set(n))],
    "data-german-3-4": [lambda t: t[t["region"].str.contains("Deutschland", na=False) & (t["meter"] == "3/4")],
                        lambda t: t[t["region"].str.contains("deutschland", case=False, na=False)],
                        lambda t: list(_german(t)["id"])],
    "data-top-values": [lambda t, c, n: list(t[c].value_counts().tail(n).items()),
                        lambda t, c, n: list(t[c].value_counts().head(n).index),
                        lambda t, c, n: t[c].value_counts().head(n)],
    "data-interval-key": [lambda p: tuple(p), lambda p: [b - a for a, b in zip(p, p[1:])],
                          lambda p: tuple(a - b for a, b in zip(p, p[1:]))],
    "data-find-leaks": [lambda s, k: [i for i in s["test"] if k[i] in {k[j] for j in s["train"]}] + ["x"],
                        lambda s, k: [i for n in ("train", "valid", "test") for i in s[n]
                                      if sum(k[i] == k[j] for m in s for j in s[m]) > 1],
                        lambda s, k: {"e"}],
    "data-allowed-shifts": [lambda lo, hi, low, high, m: [s for s in range(-m, m)
                                                           if lo + s >= low and hi + s <= high],
                            lambda lo, hi, low, high, m: [s for s in range(-m, m + 1)
                                                           if lo + s > low and hi + s < high],
                            lambda lo, hi, low, high, m: list(range(-m, m + 1))],
    "start-count-notes": [lambda seq: len({n.pitch for n in seq.notes}), _count_one_track,
                          lambda seq: float(len(seq.notes))],
    "start-pitch-range": [_range_with_drums, lambda seq: [40, 72],
                          lambda seq: ("E2", "C5")],
    "midi-pitch-name": [lambda p: f"C{p // 12}", lambda p: ["C", "D"][p % 2] + "4", lambda p: p],
    "midi-seconds-to-beats": [lambda s, q: s * 60 / q, lambda s, q: s * q, lambda s, q: "2"],
    "midi-melody": [lambda p, q: music.melody(p, 0.5, qpm=q), lambda p, q: music.melody(p, 1.0, qpm=120),
                    lambda p, q: list(p)],
    "midi-transpose": [_transpose_in_place, _transpose_drums_too, lambda seq, s: music.transpose(seq, -s)],
    "midi-stretch": [_stretch_without_tempo, lambda seq, f: music.stretch(seq, 1 / f),
                     lambda seq, f: None],
    "midi-snap": [lambda s, q, k: int(s / (60 / q / k)) * (60 / q / k),
                  lambda s, q, k: round(s / (60 / q * k)) * (60 / q * k), lambda s, q, k: s],
}


# --- lessons 4-8: reference answers (the same as in the solution notebooks) ---

def _temperature(logits, t):
    return torch.softmax(logits / t, dim=-1)


def _top_k(probs, k):
    kept = torch.zeros_like(probs)
    top = torch.topk(probs, k)
    kept[top.indices] = top.values
    return kept / kept.sum()


def _top_p(probs, p):
    order = torch.argsort(probs, descending=True)
    kept = torch.zeros_like(probs)
    total = 0.0
    for i in order.tolist():
        kept[i] = probs[i]
        total += probs[i].item()
        if total >= p - 1e-9:
            break
    return kept / kept.sum()


def _top_p_strict(probs, p):   # wrong: drops the token that reaches p
    order = torch.argsort(probs, descending=True)
    kept, total = torch.zeros_like(probs), 0.0
    for i in order.tolist():
        if total + probs[i].item() > p:
            break
        kept[i] = probs[i]
        total += probs[i].item()
    return kept / max(kept.sum(), 1e-12)


def _pitch_classes(piece):
    counts = [0] * 12
    for note in piece.notes:
        counts[note.pitch % 12] += 1
    return [c / len(piece.notes) for c in counts]


def _first_notes(piece, n):
    out = copy.deepcopy(piece)
    keep = sorted(out.notes, key=lambda note: (note.start_time, note.pitch))[:n]
    keep = [copy.deepcopy(note) for note in keep]
    del out.notes[:]
    out.notes.extend(keep)
    return out


def _first_notes_unsorted(piece, n):
    out = copy.deepcopy(piece)
    keep = [copy.deepcopy(note) for note in out.notes[:n]]
    del out.notes[:]
    out.notes.extend(keep)
    return out


def _first_notes_in_place(piece, n):
    keep = [copy.deepcopy(note) for note in sorted(piece.notes, key=lambda note: (note.start_time, note.pitch))[:n]]
    del piece.notes[:]
    piece.notes.extend(keep)
    return piece


def _prompt_tokens(tokens, n):
    seen = 0
    for i, token in enumerate(tokens):
        if token.startswith("DURATION_"):
            seen += 1
            if seen == n:
                return tokens[:i + 1]
    return list(tokens)


def _bigrams(sequences):
    counts = {}
    for seq in sequences:
        for pair in zip(seq, seq[1:]):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def _bigram_probability(counts, previous, token, vocab_size, alpha):
    total = sum(c for (a, _), c in counts.items() if a == previous)
    return (counts.get((previous, token), 0) + alpha) / (total + alpha * vocab_size)


def _make_batch(data, starts, block_size):
    x = torch.stack([data[s:s + block_size] for s in starts])
    y = torch.stack([data[s + 1:s + block_size + 1] for s in starts])
    return x, y


def _should_stop(losses, patience):
    if len(losses) <= patience:
        return False
    return min(losses[-patience:]) >= min(losses[:-patience])


def _lr_at(step, warmup, max_steps, lr, min_lr):
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / (max_steps - warmup))
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * progress))


def _transpose_tokens(tokens, shift):
    return [f"NOTE_ON_{int(t[8:]) + shift}" if t.startswith("NOTE_ON_") else t for t in tokens]


def _attention(q, k, v, mask):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1) @ v


def _count_parameters(vocab, block, layers, embd):
    per_layer = 2 * embd + (3 * embd * embd + 3 * embd) + (embd * embd + embd) + 2 * embd \
        + (4 * embd * embd + 4 * embd) + (4 * embd * embd + embd)
    return vocab * embd + block * embd + layers * per_layer + 2 * embd


RIGHT.update({
    "sample-temperature": _temperature,
    "sample-top-k": _top_k,
    "sample-top-p": _top_p,
    "sample-pitch-classes": _pitch_classes,
    "cont-first-notes": _first_notes,
    "cont-prompt-tokens": _prompt_tokens,
    "cont-new-notes": lambda piece, t: [n for n in piece.notes if n.start_time >= t],
    "markov-bigrams": _bigrams,
    "markov-probability": _bigram_probability,
    "markov-bits-per-note": lambda nats, tokens, notes: nats * tokens / notes / math.log(2),
    "lstm-batch": _make_batch,
    "lstm-early-stop": _should_stop,
    "lstm-lr-schedule": _lr_at,
    "lstm-transpose-tokens": _transpose_tokens,
    "tf-causal-mask": lambda size: torch.ones(size, size, dtype=torch.bool).tril(),
    "tf-attention": _attention,
    "tf-param-count": _count_parameters,
})

WRONG.update({
    "sample-temperature": [lambda l, t: torch.softmax(l * t, -1), lambda l, t: torch.softmax(l, -1),
                           lambda l, t: l / t],
    "sample-top-k": [lambda p, k: p, lambda p, k: torch.where(p >= torch.topk(p, k).values[-1], p, 0),
                     lambda p, k: _top_k(p, k + 1)],
    "sample-top-p": [_top_p_strict, lambda p, q: p, lambda p, q: _top_k(p, 2)],
    "sample-pitch-classes": [lambda s: [sum(n.pitch % 12 == c for n in s.notes) for c in range(12)],
                             lambda s: [sum(n.pitch == 60 + c for n in s.notes) / len(s.notes) for c in range(12)],
                             lambda s: [1 / 12] * 12],
    "cont-first-notes": [_first_notes_unsorted, _first_notes_in_place, lambda s, n: list(s.notes)[:n]],
    "cont-prompt-tokens": [lambda t, n: t[:1 + 5 * n], lambda t, n: _prompt_tokens(t, n)[:-1],
                           lambda t, n: _prompt_tokens(t, n + 1)],
    "cont-new-notes": [lambda s, t: [n for n in s.notes if n.start_time > t],
                       lambda s, t: [n for n in s.notes if n.end_time > t], lambda s, t: len(s.notes)],
    "markov-bigrams": [lambda seqs: _bigrams([sum(seqs, [])]), lambda seqs: _bigrams([s[1:] for s in seqs]),
                       lambda seqs: list(_bigrams(seqs))],
    "markov-probability": [lambda c, a, b, v, al: (c.get((a, b), 0) + al) / (sum(c.values()) + al * v),
                           lambda c, a, b, v, al: c.get((a, b), 0) / max(1, sum(n for (x, _), n in c.items() if x == a)),
                           lambda c, a, b, v, al: _bigram_probability(c, a, b, v, al) * 2],
    "markov-bits-per-note": [lambda n, t, k: n * t / k, lambda n, t, k: n / math.log(2),
                             lambda n, t, k: n * k / t / math.log(2)],
    "lstm-batch": [lambda d, s, b: _make_batch(d, s, b)[::-1], lambda d, s, b: (_make_batch(d, s, b)[0],) * 2,
                   lambda d, s, b: torch.stack([d[i:i + b] for i in s])],
    "lstm-early-stop": [lambda l, p: len(l) > p and l[-1] > l[-2], lambda l, p: False,
                        lambda l, p: len(l) > p and min(l[-p:]) > min(l[:-p])],
    "lstm-lr-schedule": [lambda s, w, m, lr, mn: lr, lambda s, w, m, lr, mn: _lr_at(s, w, m, lr, 0.0),
                         lambda s, w, m, lr, mn: lr * s / w if s < w else _lr_at(s, w, m, lr, mn)],
    "lstm-transpose-tokens": [lambda t, s: t, lambda t, s: [x.replace("60", str(60 + s)) for x in t],
                              lambda t, s: [f"{x[:-2]}{int(x[-2:]) + s}" if x[-2:].isdigit() else x for x in t]],
    "tf-causal-mask": [lambda n: torch.ones(n, n, dtype=torch.bool).triu(),
                       lambda n: torch.ones(n, n).tril(), lambda n: torch.ones(n, n, dtype=torch.bool).tril(-1)],
    "tf-attention": [lambda q, k, v, m: torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), -1) @ v,
                     lambda q, k, v, m: torch.softmax((q @ k.transpose(-2, -1)).masked_fill(~m, float("-inf")), -1) @ v,
                     lambda q, k, v, m: v],
    "tf-param-count": [lambda v, b, l, e: _count_parameters(v, b, l, e) + v * e,
                       lambda v, b, l, e: _count_parameters(v, b, l, e) - b * e,
                       lambda v, b, l, e: l * 12 * e * e],
})


def test_every_registered_check_is_tested_here():
    assert set(CHECKS) == set(RIGHT) == set(WRONG)


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answer_passes(exercise):
    result = run_check(exercise, RIGHT[exercise])
    assert result.passed, result.message


@pytest.mark.parametrize("exercise,index", [(e, i) for e in sorted(WRONG) for i in range(len(WRONG[e]))])
def test_wrong_answer_is_rejected_with_a_hint(exercise, index):
    result = run_check(exercise, WRONG[exercise][index])
    assert result.status == "wrong", result.message
    assert "Traceback" not in result.message and len(result.message) > 20


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_stub_is_not_done_yet(exercise):
    result = run_check(exercise, stub)
    assert result.status == "not done"
    assert "Exercise 1" in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
@pytest.mark.parametrize("answer", [5, "pitch_name", None])
def test_answer_of_the_wrong_type_gets_a_hint(exercise, answer):
    result = run_check(exercise, answer)
    assert result.status == "wrong"
    assert "Pass the function itself" in result.message


def test_an_answer_that_crashes_is_reported_as_the_learners_error():
    result = run_check("midi-pitch-name", lambda p: 1 / 0)
    assert result.status == "wrong" and "ZeroDivisionError" in result.message


def test_a_bug_in_a_checker_is_not_blamed_on_the_learner(monkeypatch):
    monkeypatch.setitem(CHECKS, "midi-pitch-name", lambda answer: {}["boom"])
    result = run_check("midi-pitch-name", music.pitch_name)
    assert result.status == "checker error" and "may be right" in result.message


def test_unknown_exercise_suggests_close_names():
    result = run_check("midi-tranpose", music.transpose)
    assert result.status == "unknown" and "midi-transpose" in result.message


def test_check_prints_one_line_verdict(capsys):
    assert check("midi-pitch-name", music.pitch_name) is None
    assert capsys.readouterr().out.startswith("✅ midi-pitch-name")
