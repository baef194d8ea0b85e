"""Answers for the checks of lessons 0-5: right ones, right ones written differently, wrong ones.

Each wrong answer comes with a piece of text its hint must contain. The wrong
answers cover the kinds a strict teacher tries: a bug that one easy input
hides, a value copied from a hint, a changed input, a wrong type, None.
"""

import copy
import math
from collections import Counter

import numpy as np
import torch

from helpers import dataset, music, notes, stats

PC = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLATS = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]


def _count_and_clear(seq):
    count = len(seq.notes)
    del seq.notes[:]
    return count


def _per_instrument(seq):
    counts = {}
    for note in seq.notes:
        counts[note.instrument] = counts.get(note.instrument, 0) + 1
    return counts


def _range(seq):
    pitches = [n.pitch for n in seq.notes if not n.is_drum]
    return (min(pitches), max(pitches)) if pitches else None


def _range_sorting_in_place(seq):
    seq.notes.sort(key=lambda n: n.pitch)
    return _range(seq)


def _melody(pitches, qpm):
    seq = notes.new_sequence(qpm=qpm)
    beat = 60 / qpm
    for i, pitch in enumerate(pitches):
        notes.add_note(seq, pitch, i * beat, (i + 1) * beat, velocity=80)
    return seq


def _melody_popping(pitches, qpm):
    seq, beat, i = notes.new_sequence(qpm=qpm), 60 / qpm, 0
    while pitches:
        notes.add_note(seq, pitches.pop(0), i * beat, (i + 1) * beat)
        i += 1
    return seq


def _melody_default_tempo(pitches, qpm):
    seq = notes.new_sequence()
    for i, pitch in enumerate(pitches):
        notes.add_note(seq, pitch, i * 60 / qpm, (i + 1) * 60 / qpm)
    return seq


def _transpose(seq, s, moves=lambda n: not n.is_drum, in_place=False):
    out = seq if in_place else copy.deepcopy(seq)
    for n in out.notes:
        if moves(n):
            n.pitch += s
    return out


def _transpose_new_sequence(seq, s):
    out = notes.new_sequence(qpm=music.tempo(seq))
    for n in seq.notes:
        notes.add_note(out, n.pitch + (0 if n.is_drum else s), n.start_time, n.end_time, n.velocity,
                       n.program, n.instrument, n.is_drum)
    return out


def _transpose_copy_from(seq, s):
    out = type(seq)()
    out.CopyFrom(seq)
    for n in out.notes:
        n.pitch += 0 if n.is_drum else s
    return out


def _stretch(seq, f, tempo_times=True, qpms=True, total=True, meters=True, in_place=False):
    out = seq if in_place else copy.deepcopy(seq)
    for n in out.notes:
        n.start_time *= f
        n.end_time *= f
    for t in out.tempos:
        t.time *= f if tempo_times else 1
        t.qpm /= f if qpms else 1
    for event in list(out.time_signatures) + list(out.key_signatures):
        event.time *= f if meters else 1
    out.total_time *= f if total else 1
    return out


def _german(t):
    return t[t["region"].str.contains("deutschland", case=False, na=False) & (t["meter"] == "3/4")]


def _german_lowering_in_place(t):
    t["region"] = t["region"].str.lower()
    return t[t["region"].str.contains("deutschland", na=False) & (t["meter"] == "3/4")]


def _top_counter(t, c, n):
    return Counter(v for v in t[c] if isinstance(v, str) or not (v is None or v != v)).most_common(n)


def _leaks(s, k):
    train = {k[i] for i in s["train"]}
    return [i for name in ("valid", "test") for i in s[name] if k[i] in train]


def _leaks_popping(s, k):
    train = {k[s["train"].pop()]} | {k[i] for i in s["train"]}
    return [i for name in ("valid", "test") for i in s[name] if k[i] in train]


def _ikey(pitches, n):
    return tuple(b - a for a, b in zip(pitches, pitches[1:]))[:n]


def _groups(melodies, key):
    by_key = {}
    for piece, pitches in melodies.items():
        by_key.setdefault(key(pitches), []).append(piece)
    return [group for group in by_key.values() if len(group) > 1]


def _near(melodies, n=24):
    return [g for g in _groups(melodies, lambda p: _ikey(p, n)) if len(melodies[g[0]]) > 1]


def _near_defaultdict(melodies, n=24):
    from collections import defaultdict
    by_key = defaultdict(set)
    for piece in sorted(melodies, reverse=True):
        steps = np.diff(np.asarray(melodies[piece], dtype=int))[:n]
        if len(steps):
            by_key[tuple(int(x) for x in steps)].add(piece)
    return [sorted(group, reverse=True) for group in by_key.values() if len(group) >= 2]


def _near_sets(melodies, n=24):
    return [set(g) for g in _near(melodies, n)][::-1]


def _near_popping(melodies, n=24):
    for pitches in melodies.values():
        if len(pitches) > n + 1:
            pitches.pop()
    return _near(melodies, n)


def _shifts(steps, m):
    return [f"TIME_SHIFT_{m}"] * (steps // m) + ([f"TIME_SHIFT_{steps % m}"] if steps % m else [])


def _shifts_loop(steps, m):
    out = []
    while steps > 0:
        out.append(f"TIME_SHIFT_{min(m, steps)}")
        steps -= min(m, steps)
    return out


def _grid(note_list, n):
    out = ["REST"] * n
    for pitch, start, end in note_list:
        out[start:end] = [f"PITCH_{pitch}"] + ["HOLD"] * (end - start - 1)
    return out


def _grid_sorting_in_place(note_list, n):
    note_list.sort(key=lambda x: x[1])
    return _grid(note_list, n)


def _ungrid(tokens):
    found, current = [], None
    for step, token in enumerate(tokens + ["REST"]):
        if token != "HOLD" and current:
            found.append((current[0], current[1], step))
            current = None
        if token.startswith("PITCH_"):
            current = (int(token[6:]), step)
    return found


def _ungrid_by_index(tokens):
    found = []
    for i, token in enumerate(tokens):
        if token.startswith("PITCH_"):
            j = i + 1
            while j < len(tokens) and tokens[j] == "HOLD":
                j += 1
            found.append((int(token.split("_")[1]), i, j))
    return found


def _ungrid_appending(tokens):
    tokens.append("REST")
    return _ungrid(tokens[:-1])


def _ungrid_hold_revives(tokens):
    found, pitch, start, last = [], None, None, None
    for step, token in enumerate(tokens + ["REST"]):
        if token.startswith("PITCH_") or token == "REST":
            if pitch is not None:
                found.append((pitch, start, step))
            last = pitch if token == "REST" else None
            pitch, start = (int(token[6:]), step) if token.startswith("PITCH_") else (None, None)
        elif token == "HOLD" and pitch is None and last is not None:
            pitch, start = last, step
    return found


def _vocab(names):
    return {n: i for i, n in enumerate(["PAD", "BOS", "EOS"] + sorted(set(names) - {"PAD", "BOS", "EOS"}))}


def _position_tokens(note_list, meter, cap=32, empty_bars=True, chords=True, per_bar=True):
    numerator, denominator = (int(x) for x in meter.split("/"))
    bar = numerator * 16 // denominator
    ordered = sorted((start, pitch, min(end - start, cap)) for pitch, start, end in note_list)
    if not ordered:
        return []
    end = max(start + length for start, _, length in ordered)
    tokens = []
    for bar_start in range(0, end, bar):
        inside = [n for n in ordered if bar_start <= n[0] < bar_start + bar]
        if not inside and not empty_bars and bar_start:
            continue
        tokens += ["BAR"] + ([f"TIMESIG_{meter}"] if bar_start == 0 else [])
        last = None
        for start, pitch, length in inside:
            if start != last or not chords:
                tokens.append(f"POSITION_{start - bar_start if per_bar else start}")
                last = start
            tokens += [f"NOTE_ON_{pitch}", f"DURATION_{length}"]
    return tokens


def _position_tokens_by_events(note_list, meter):
    """Written differently: walk the bars with a while loop and a dict of onsets."""
    numerator, denominator = map(int, meter.split("/"))
    bar = 4 * 4 * numerator // denominator
    onsets = {}
    for pitch, start, end in note_list:
        onsets.setdefault(start, []).append((pitch, min(32, end - start)))
    last_end = max((s + d for s, group in onsets.items() for _, d in group), default=0)
    tokens, bar_start = [], 0
    while bar_start < last_end:
        tokens.append("BAR")
        if bar_start == 0:
            tokens.append("TIMESIG_" + meter)
        for start in sorted(s for s in onsets if bar_start <= s < bar_start + bar):
            tokens.append("POSITION_%d" % (start - bar_start))
            for pitch, length in sorted(onsets[start]):
                tokens.extend(["NOTE_ON_%d" % pitch, "DURATION_%d" % length])
        bar_start += bar
    return tokens


def _temperature(logits, t):
    return torch.softmax(logits / t, dim=-1)


def _top_k(probs, k):
    kept = torch.zeros_like(probs)
    top = torch.topk(probs, k)
    kept[top.indices] = top.values
    return kept / kept.sum()


def _top_k_in_place(probs, k):
    probs[probs < torch.topk(probs, k).values[-1]] = 0
    return probs / probs.sum()


def _top_p(probs, p, reach=lambda total, p: total >= p - 1e-9, order=True):
    kept, total = torch.zeros_like(probs), 0.0
    indices = torch.argsort(probs, descending=True).tolist() if order else range(len(probs))
    for i in indices:
        kept[i] = probs[i]
        total += probs[i].item()
        if reach(total, p):
            break
    return kept / kept.sum()


def _top_p_vectorised(probs, p):
    values, order = torch.sort(probs, descending=True)
    keep = values.cumsum(0) - values < p - 1e-9
    out = torch.zeros_like(probs)
    out[order[keep]] = values[keep]
    return out / out.sum()


def _pitch_classes(piece, weight=lambda n: 1, drums=False):
    counts = [0.0] * 12
    for n in piece.notes:
        if drums or not n.is_drum:
            counts[n.pitch % 12] += weight(n)
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def _first_notes(piece, n, key=lambda note: (note.start_time, note.pitch), in_place=False):
    out = piece if in_place else copy.deepcopy(piece)
    keep = [copy.deepcopy(x) for x in (sorted(out.notes, key=key) if key else list(out.notes))[:n]]
    del out.notes[:]
    out.notes.extend(keep)
    return out


def _first_notes_new_sequence(piece, n):
    out = notes.new_sequence()
    for x in sorted(piece.notes, key=lambda note: (note.start_time, note.pitch))[:n]:
        out.notes.add().CopyFrom(x)
    return out


def _prompt(tokens, n):
    seen = 0
    for i, token in enumerate(tokens):
        if token.startswith("DURATION_"):
            seen += 1
            if seen == n:
                return tokens[:i + 1]
    return list(tokens)


def _prompt_or_none(tokens, n):
    seen = 0
    for i, token in enumerate(tokens):
        seen += token.startswith("DURATION_")
        if seen == n:
            return tokens[:i + 1]


def _prompt_popping(tokens, n):
    out = []
    while tokens and n:
        out.append(tokens.pop(0))
        n -= out[-1].startswith("DURATION_")
    return out


def _deleting_new_notes(piece, t):
    keep = [n for n in piece.notes if n.start_time >= t]
    del piece.notes[:1]
    return keep


RIGHT = {
    "start-count-notes": lambda seq: len(seq.notes),
    "start-pitch-range": _range,
    "start-per-instrument": _per_instrument,
    "midi-pitch-name": lambda p: f"{PC[p % 12]}{p // 12 - 1}",
    "midi-seconds-to-beats": lambda s, q: s * q / 60,
    "midi-melody": _melody,
    "midi-transpose": _transpose,
    "midi-stretch": _stretch,
    "midi-snap": lambda s, qpm, k: round(s / (60 / qpm / k)) * (60 / qpm / k),
    "data-german-3-4": _german,
    "data-top-values": lambda t, c, n: list(t[c].value_counts().head(n).items()),
    "data-interval-key": lambda p, n=24: tuple(b - a for a, b in zip(p, p[1:]))[:n],
    "data-find-leaks": _leaks,
    "data-near-duplicates": _near,
    "data-allowed-shifts": lambda lo, hi, low, high, m: [s for s in range(-m, m + 1) if lo + s >= low and hi + s <= high],
    "tok-time-shift": _shifts,
    "tok-melody-grid": _grid,
    "tok-grid-to-notes": _ungrid,
    "tok-vocab": _vocab,
    "tok-positions": _position_tokens,
    "sample-temperature": _temperature,
    "sample-top-k": _top_k,
    "sample-top-p": _top_p,
    "sample-pitch-classes": _pitch_classes,
    "cont-first-notes": _first_notes,
    "cont-prompt-tokens": _prompt,
    "cont-new-notes": lambda piece, t: [n for n in piece.notes if n.start_time >= t],
}

ALSO_RIGHT = {
    "start-count-notes": [lambda seq: sum(1 for _ in seq.notes), lambda seq: np.int64(len(list(seq.notes)))],
    "start-per-instrument": [lambda seq: Counter(n.instrument for n in seq.notes),
                             lambda seq: dict(zip(*np.unique([n.instrument for n in seq.notes], return_counts=True)))
                             if len(seq.notes) else {}],
    "start-pitch-range": [lambda seq: [_range(seq)[0], _range(seq)[1]] if _range(seq) else None,
                          lambda seq: (lambda a: (a.min(), a.max()) if a.size else None)(
                              np.array([n.pitch for n in seq.notes if not n.is_drum], dtype=np.int64))],
    "midi-pitch-name": [lambda p: f"{FLATS[p % 12]}{p // 12 - 1}", lambda p: "%s%d" % (PC[divmod(p, 12)[1]], divmod(p, 12)[0] - 1)],
    "midi-seconds-to-beats": [lambda s, q: s / (60 / q), lambda s, q: np.float32(s) * np.float64(q) / 60],
    "midi-melody": [lambda p, q: music.melody(list(p), 1.0, qpm=q)],
    "midi-transpose": [music.transpose, _transpose_copy_from],
    "midi-stretch": [music.stretch],
    "midi-snap": [lambda s, q, k: float(np.round(s * q * k / 60)) * 60 / q / k,
                  lambda s, q, k: math.floor(s / (60 / q / k) + 0.5) * (60 / q / k)],
    "data-german-3-4": [lambda t: dataset.search(t, "region", "deutschland").query("meter == '3/4'"),
                        lambda t: t[t["region"].fillna("").str.lower().str.contains("deutschland")
                                    & t["meter"].eq("3/4")].reset_index(drop=True)],
    "data-top-values": [_top_counter, lambda t, c, n: [[v, int(k)] for v, k in t[c].value_counts().items()][:n]],
    "data-interval-key": [lambda p, n=24: tuple(np.diff(np.array(p[:n + 1], dtype=np.int64))),
                          lambda p, n=24: tuple(map(int.__sub__, p[1:n + 1], p[:n])),
                          lambda p, n=24: dataset.interval_key(p, n)],
    "data-find-leaks": [lambda s, k: sorted(_leaks(s, k), reverse=True)],
    "data-near-duplicates": [_near_defaultdict, _near_sets,
                             lambda m, n=24: [g for g in dataset.find_duplicates(
                                 list(m), [dataset.interval_key(p, n) for p in m.values()]) if len(m[g[0]]) > 1]],
    "data-allowed-shifts": [lambda lo, hi, low, high, m: [int(s) for s in np.arange(m, -m - 1, -1) if low <= lo + s and hi + s <= high],
                            lambda lo, hi, low, high, m: dataset.allowed_shifts(lo, hi, low, high, m)],
    "tok-time-shift": [_shifts_loop],
    "tok-melody-grid": [lambda n, k: [next((f"PITCH_{p}" if s == i else "HOLD" for p, s, e in n if s <= i < e), "REST") for i in range(k)]],
    "tok-grid-to-notes": [_ungrid_by_index],
    "tok-vocab": [lambda n: dict(zip(["PAD", "BOS", "EOS"] + sorted({x for x in n if x not in ("PAD", "BOS", "EOS")}), range(10 ** 6)))],
    "tok-positions": [_position_tokens_by_events],
    "sample-temperature": [lambda l, t: torch.tensor(np.exp(l.numpy() / t - (l.numpy() / t).max()) / np.exp(l.numpy() / t - (l.numpy() / t).max()).sum()),
                           lambda l, t: torch.softmax(l.double() / t, 0)],
    "sample-top-k": [lambda p, k: torch.where(p >= torch.topk(p, k).values[-1], p, torch.zeros_like(p)) / torch.topk(p, k).values.sum()],
    "sample-top-p": [_top_p_vectorised],
    "sample-pitch-classes": [stats.pitch_class_histogram, lambda s: torch.tensor(_pitch_classes(s), dtype=torch.float64)],
    "cont-first-notes": [lambda piece, n: _first_notes(piece, n, key=lambda x: (x.start_time, x.pitch, x.end_time))],
    "cont-prompt-tokens": [lambda t, n: t[:[i for i, x in enumerate(t) if x.startswith("DURATION_")][n - 1] + 1]
                           if sum(x.startswith("DURATION_") for x in t) >= n else t[:]],
    "cont-new-notes": [lambda piece, t: list(filter(lambda n: not n.start_time < t, piece.notes))],
}

WRONG = {
    "start-count-notes": [
        (lambda seq: len({n.pitch for n in seq.notes}), "counts twice"),
        (lambda seq: len([n for n in seq.notes if n.instrument != 9]), "whatever their instrument"),
        (lambda seq: len([n for n in seq.notes if not n.is_drum]), "drum hits count too"),
        (lambda seq: float(len(seq.notes)), "whole number"),
        (lambda seq: 11, "expected"),
        (_count_and_clear, "changed its input"),
        (lambda seq: len(seq.notes) or None, "whole number"),
    ],
    "start-per-instrument": [
        (lambda seq: dict(Counter(n.instrument for n in seq.notes if not n.is_drum)), "drum hits count too"),
        (lambda seq: dict(Counter(n.instrument for n in seq.notes if n.instrument != 9)), "not instrument 9"),
        (lambda seq: dict(Counter(n.program for n in seq.notes)), "expected"),
        (lambda seq: list(Counter(n.instrument for n in seq.notes).values()), "expected a dict"),
        (lambda seq: {0: 16, 1: 12, 2: 16, 3: 48}, "expected"),
        (lambda seq: seq.notes.sort(key=lambda n: n.instrument) or _per_instrument(seq), "changed its input"),
    ],
    "start-pitch-range": [
        (lambda seq: (min(n.pitch for n in seq.notes), max(n.pitch for n in seq.notes)), "raised ValueError"),
        (lambda seq: (min(n.pitch for n in seq.notes), max(n.pitch for n in seq.notes)) if len(seq.notes) else None,
         "skip the drum notes"),
        (lambda seq: _range(seq) or (0, 0), "should give None"),
        (lambda seq: (min(n.pitch for n in seq.notes if n.instrument != 9),
                      max(n.pitch for n in seq.notes if n.instrument != 9)), "raised ValueError"),
        (lambda seq: (40, 72), "should give None"),
        (lambda seq: tuple(music.pitch_name(p) for p in _range(seq)) if _range(seq) else None, "whole number"),
        (_range_sorting_in_place, "changed its input"),
    ],
    "midi-pitch-name": [
        (lambda p: f"{PC[p % 12]}{p // 12}", "expected 'C-1', got 'C0'"),
        (lambda p: f"C{p // 12 - 1}", "expected"),
        (lambda p: p, "expected the text"),
        (lambda p: "C4", "expected"),
        (lambda p: f"{PC[p % 12]}{round(p / 12) - 1}", "-1', got"),
    ],
    "midi-seconds-to-beats": [
        (lambda s, q: s * 60 / q, "expected"),
        (lambda s, q: s * q, "expected"),
        (lambda s, q: "2", "should be a number"),
        (lambda s, q: 1.0, "expected"),
        (lambda s, q: s * q // 60, "expected"),
        (lambda s, q: torch.tensor(s * q / 60), ".item()"),
    ],
    "midi-melody": [
        (lambda p, q: music.melody(p, 0.5, qpm=q), "should be"),
        (lambda p, q: music.melody(p, 1.0, qpm=120), "tempo"),
        (lambda p, q: list(p), "NoteSequence"),
        (_melody_popping, "changed its input"),
        (lambda p, q: music.melody(p, 1.0, qpm=q, velocity=100), "velocity differs"),
        (_melody_default_tempo, "one tempo of"),
        (lambda p, q: music.melody([60, 62, 64], 1.0, qpm=120), "expected"),
    ],
    "midi-transpose": [
        (lambda seq, s: _transpose(seq, s, in_place=True), "changed its input"),
        (lambda seq, s: _transpose(seq, s, moves=lambda n: True), "drum"),
        (lambda seq, s: _transpose(seq, s, moves=lambda n: n.instrument != 9), "instrument 9"),
        (lambda seq, s: music.transpose(seq, -s), "should be"),
        (lambda seq, s: None, "NoteSequence"),
        (lambda seq, s: _transpose_new_sequence(seq, s) if len(seq.tempos) > 1 else music.transpose(seq, s), "tempos should be"),
    ],
    "midi-stretch": [
        (lambda seq, f: _stretch(seq, f, qpms=False), "tempos should be"),
        (lambda seq, f: music.stretch(seq, 1 / f), "should be"),
        (lambda seq, f: _stretch(seq, f, tempo_times=False), "multiply every tempo's time"),
        (lambda seq, f: _stretch(seq, f, total=False), "total_time"),
        (lambda seq, f: None, "NoteSequence"),
        (lambda seq, f: _stretch(seq, f, in_place=True), "changed its input"),
        (lambda seq, f: _stretch(seq, f, meters=False), "time and key signatures move too"),
    ],
    "midi-snap": [
        (lambda s, q, k: int(s / (60 / q / k)) * (60 / q / k), "not down"),
        (lambda s, q, k: round(s / (60 / q * k)) * (60 / q * k), "grid step"),
        (lambda s, q, k: s, "expected"),
        (lambda s, q, k: round(s / (60 / q / k)), "expected"),
        (lambda s, q, k: "0.375", "should be a number"),
        (lambda s, q, k: 0.375, "expected"),
    ],
    "data-german-3-4": [
        (lambda t: t[t["region"].str.contains("Deutschland", na=False) & (t["meter"] == "3/4")], "in any case"),
        (lambda t: t[t["region"].str.contains("deutschland", case=False, na=False) & t["meter"].str.startswith("3/")], "exactly '3/4'"),
        (lambda t: list(_german(t)["id"]), "DataFrame"),
        (_german_lowering_in_place, "changed its input"),
        (lambda t: t[t["region"].str.contains("deutschland", case=False, na=True) & (t["meter"] == "3/4")], "missing"),
        (lambda t: _german(t)[["id", "region"]], "keep every column"),
        (lambda t: t[t["id"].isin(["essen/0", "essen/1", "essen/5"])], "expected the rows"),
    ],
    "data-top-values": [
        (lambda t, c, n: list(t[c].value_counts().tail(n).items()), "expected"),
        (lambda t, c, n: list(t[c].value_counts().head(n).index), "(value, count) pairs"),
        (lambda t, c, n: t[c].value_counts().head(n), "should be a list"),
        (lambda t, c, n: Counter(t[c]).most_common(n), "missing values"),
        (lambda t, c, n: list(t["meter"].value_counts().head(n).items()), "KeyError"),
        (lambda t, c, n: list(t[c].value_counts().head(n + 1).items()), "at most n pairs"),
    ],
    "data-interval-key": [
        (lambda p, n=24: tuple(b - a for a, b in zip(p, p[1:])), "keep only the first n steps"),
        (lambda p, n=24: tuple(b - a for a, b in zip(p, p[1:]))[:n - 1], "n intervals need the first n + 1 notes"),
        (lambda p, n=24: tuple(a - b for a, b in zip(p, p[1:]))[:n], "each step is the later pitch minus the earlier"),
        (lambda p, n=24: [b - a for a, b in zip(p, p[1:])][:n], "expected the tuple"),
        (lambda p, n=24: tuple(x - p[0] for x in p[1:])[:n], "expected"),
        (lambda p, n=24: tuple(b - a for a, b in zip(p, p[1:]))[:n] if len(p) > 1 else None, "expected the tuple"),
        (lambda p, n=24: p.sort() or tuple(b - a for a, b in zip(p, p[1:]))[:n], "changed its input"),
        (lambda p, n=4: tuple(b - a for a, b in zip(p, p[1:]))[:n], "expected"),
    ],
    "data-find-leaks": [
        (lambda s, k: [i for i in s["test"] if k[i] in {k[j] for j in s["train"]}], "the valid split can leak too"),
        (lambda s, k: [i for n in ("valid", "test") for i in s[n]
                       if sum(k[i] == k[j] for m in s for j in s[m]) > 1], "shared by valid and test only"),
        (lambda s, k: set(_leaks(s, k)), "should be a list"),
        (_leaks_popping, "changed its input"),
        (lambda s, k: [i for n in s for i in s[n] if k[i] in {k[j] for j in s["train"]}], "expected the leaked ids"),
        (lambda s, k: ["e"], "expected the leaked ids"),
    ],
    "data-near-duplicates": [
        (lambda m, n=24: [[i for i in m if _ikey(m[i], n) == key] for key in dict.fromkeys(
            _ikey(p, n) for p in m.values()) if key], "return only groups of two or more"),
        (lambda m, n=24: [g for g in _groups(m, lambda p: tuple(p[:n + 1])) if len(m[g[0]]) > 1],
         "compare the interval keys, not the pitches"),
        (lambda m, n=24: [g for g in _groups(m, lambda p: _ikey(p, len(p))) if len(m[g[0]]) > 1],
         "only the first n steps count"),
        (lambda m, n=24: _groups(m, lambda p: _ikey(p, n)), "a melody with no steps"),
        (lambda m, n=24: [g for g in _groups(m, lambda p: _ikey(p, n - 1)) if len(m[g[0]]) > 1], "expected the groups"),
        (lambda m, n=24: {key: g for key, g in enumerate(_near(m, n))}, "should be a list"),
        (lambda m, n=24: [",".join(g) for g in _near(m, n)], "each a list of ids"),
        (_near_popping, "changed its input"),
        (lambda m, n=24: [["tune", "up a fourth", "new ending"]], "expected the groups"),
    ],
    "data-allowed-shifts": [
        (lambda lo, hi, low, high, m: [s for s in range(-m, m) if lo + s >= low and hi + s <= high], "both included"),
        (lambda lo, hi, low, high, m: [s for s in range(-m, m + 1) if lo + s > low and hi + s < high], "both included"),
        (lambda lo, hi, low, high, m: list(range(-m, m + 1)), "expected"),
        (lambda lo, hi, low, high, m: tuple(dataset.allowed_shifts(lo, hi, low, high, m)), "should be a list"),
        (lambda lo, hi, low, high, m: [s for s in range(-m, m + 1) if lo + s >= low], "expected"),
        (lambda lo, hi, low, high, m: [-1, 0, 1], "expected"),
    ],
    "tok-time-shift": [
        (lambda s, m: [f"TIME_SHIFT_{s}"], "expected"),
        (lambda s, m: [f"TIME_SHIFT_{m}"] * (s // m + 1), "expected"),
        (lambda s, m: " ".join(_shifts(s, m)), "should be a list"),
        (lambda s, m: [f"TIME_SHIFT_{m}"] * (s // m) + [f"TIME_SHIFT_{s % m}"], "TIME_SHIFT_0"),
        (lambda s, m: _shifts(s, m) or None, "should be a list"),
        (lambda s, m: ["TIME_SHIFT_16", "TIME_SHIFT_16", "TIME_SHIFT_3"], "expected"),
    ],
    "tok-melody-grid": [
        (lambda n, k: _grid(n, k)[:-1], "nothing more"),
        (lambda n, k: [t.replace("REST", "HOLD") for t in _grid(n, k)], "expected"),
        (lambda n, k: " ".join(_grid(n, k)), "should be a list"),
        (_grid_sorting_in_place, "changed its input"),
        (lambda n, k: [t.replace("HOLD", "PITCH") for t in _grid(n, k)], "expected"),
        (lambda n, k: _grid(n, k)[:k - 1] + ["REST"] if k else [], "got 'REST')"),
    ],
    "tok-grid-to-notes": [
        (lambda t: _ungrid(t)[:-1], "expected"),
        (lambda t: [(p, s, e - 1) for p, s, e in _ungrid(t)], "expected"),
        (lambda t: set(_ungrid(t)), "should be a list"),
        (lambda t: [list(n) for n in _ungrid(t)], "tuples"),
        (_ungrid_hold_revives, "HOLD after REST"),
        (_ungrid_appending, "changed its input"),
    ],
    "tok-vocab": [
        (lambda n: {x: i for i, x in enumerate(sorted(set(n)))}, "PAD=0"),
        (lambda n: {x: i for i, x in enumerate(["PAD", "BOS", "EOS"] + list(dict.fromkeys(n)))}, "expected"),
        (lambda n: ["PAD", "BOS", "EOS"] + sorted(set(n)), "expected a dict"),
        (lambda n: {x: i for i, x in enumerate(["PAD", "BOS", "EOS"] + sorted(set(n)))}, "include them"),
        (lambda n: n.sort() or _vocab(n), "changed its input"),
        (lambda n: {x: i + 1 for x, i in _vocab(n).items()}, "expected"),
    ],
    "tok-positions": [
        (lambda n, m: _position_tokens(n, m, empty_bars=False), "(expected 'BAR'"),
        (lambda n, m: _position_tokens(n, m, cap=10 ** 6), "DURATION_32"),
        (lambda n, m: _position_tokens(n, m, chords=False), "a chord"),
        (lambda n, m: _position_tokens(n, m, per_bar=False), "expected"),
        (lambda n, m: [t for t in _position_tokens(n, m) if not t.startswith("TIMESIG_")], "(expected 'TIMESIG_"),
        (lambda n, m: n.sort() or _position_tokens(n, m), "changed its input"),
        (lambda n, m: _position_tokens(n, m.split("/")[0] + "/4"), "6/8"),
    ],
    "sample-temperature": [
        (lambda l, t: torch.softmax(l * t, -1), "Divide the logits"),
        (lambda l, t: torch.softmax(l, -1), "Divide the logits"),
        (lambda l, t: l / t, "probabilities"),
        (lambda l, t: torch.softmax(l.div_(t), -1), "changed its input"),
        (lambda l, t: torch.softmax(l / t, -1).tolist(), "torch tensor"),
        (lambda l, t: torch.softmax(torch.tensor([2.0, 1.0, 0.0, -1.0]), 0), "Right on 1 of"),
    ],
    "sample-top-k": [
        (lambda p, k: p.clone(), "Keep the k largest"),
        (lambda p, k: _top_k(p, min(k + 1, len(p))), "Keep the k largest"),
        (lambda p, k: torch.where(p >= torch.topk(p, k).values[-1], p, 0), "summing to 1"),
        (_top_k_in_place, "changed its input"),
        (lambda p, k: _top_k(p, k).numpy(), "torch tensor"),
        (lambda p, k: _top_k(-p, k).abs(), "Keep the k largest"),
    ],
    "sample-top-p": [
        (lambda p, q: _top_p(p, q, reach=lambda total, q: total > q + 1e-9), "expected"),
        (lambda p, q: p.clone(), "until their total reaches p"),
        (lambda p, q: _top_p(p, q, order=False), "go from the most likely down"),
        (lambda p, q: _top_p(p, q) * p.sum() * 0.5, "summing to 1"),
        (lambda p, q: _top_p(p, q).numpy(), "torch tensor"),
        (lambda p, q: p.copy_(p.sort(descending=True).values) is None or _top_p(p, q), "changed its input"),
    ],
    "sample-pitch-classes": [
        (lambda s: [sum(n.pitch % 12 == c for n in s.notes if not n.is_drum) for c in range(12)], "divide"),
        (lambda s: _pitch_classes(s, weight=lambda n: n.end_time - n.start_time), "whatever its length"),
        (lambda s: _pitch_classes(s, weight=lambda n: n.velocity), "whatever its velocity"),
        (lambda s: _pitch_classes(s, drums=True), "skip the drum notes"),
        (lambda s: [sum(n.pitch % 12 == c for n in s.notes if not n.is_drum) / sum(not n.is_drum for n in s.notes)
                    for c in range(12)], "ZeroDivisionError"),
        (lambda s: [1 / 12] * 12, "expected"),
    ],
    "cont-first-notes": [
        (lambda piece, n: _first_notes(piece, n, key=None), "not stored in time order"),
        (lambda piece, n: _first_notes(piece, n, in_place=True), "changed its input"),
        (lambda piece, n: list(piece.notes)[:n], "NoteSequence"),
        (_first_notes_new_sequence, "tempos should be"),
        (lambda piece, n: _first_notes(piece, n, key=lambda x: x.start_time), "onset, then pitch"),
        (lambda piece, n: _first_notes(piece, n, key=lambda x: (x.start_time, -x.pitch)), "should be"),
    ],
    "cont-prompt-tokens": [
        (lambda t, n: t[:1 + 5 * n], "expected"),
        (lambda t, n: _prompt(t, n)[:-1], "expected"),
        (lambda t, n: _prompt(t, n + 1), "expected"),
        (_prompt_or_none, "should be a list"),
        (_prompt_popping, "changed its input"),
        (lambda t, n: tuple(_prompt(t, n)), "should be a list"),
    ],
    "cont-new-notes": [
        (lambda piece, t: [n for n in piece.notes if n.start_time > t], "exactly"),
        (lambda piece, t: [n for n in piece.notes if n.end_time > t], "still sounds"),
        (lambda piece, t: len([n for n in piece.notes if n.start_time >= t]), "should be a list"),
        (lambda piece, t: [n.pitch for n in piece.notes if n.start_time >= t], "list of notes"),
        (_deleting_new_notes, "changed its input"),
        (lambda piece, t: [n for n in piece.notes if n.start_time >= 1.0], "expected the notes"),
    ],
}
