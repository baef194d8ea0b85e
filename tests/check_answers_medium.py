"""Answers for the checks of lessons 6-8: right ones, right ones written differently, wrong ones.

Each wrong answer comes with a piece of text its hint must contain (see
check_answers_easy.py for the kinds of wrong answers).
"""

import math
import re
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn.functional as F

from helpers import training
from helpers.models import NGramConfig, NGramModel, Transformer, TransformerConfig


def _bigrams(sequences):
    counts = {}
    for seq in sequences:
        for pair in zip(seq, seq[1:]):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def _bigrams_popping(sequences):
    counts = {}
    while sequences:
        seq = sequences.pop()
        for pair in zip(seq, seq[1:]):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def _probability(counts, previous, token, vocab_size, alpha):
    total = sum(c for (a, _), c in counts.items() if a == previous)
    return (counts.get((previous, token), 0) + alpha) / (total + alpha * vocab_size)


def _probability_setdefault(counts, previous, token, vocab_size, alpha):
    counts.setdefault((previous, token), 0)
    return _probability(counts, previous, token, vocab_size, alpha)


def _discounted(counts, vocab_size, discount, lower="unigram", unigram_discount=True):
    V, D = vocab_size, discount
    next_counts, row_total, row_types = [0] * V, [0] * V, [0] * V
    for (a, b), c in counts.items():
        next_counts[b] += c
        row_total[a] += c
        row_types[a] += 1
    total = sum(next_counts)
    if total == 0:
        return [[1 / V] * V for _ in range(V)]
    types = sum(c > 0 for c in next_counts)
    if unigram_discount:
        unigram = [max(c - D, 0) / total + D * types / total / V for c in next_counts]
    else:
        unigram = [c / total for c in next_counts]
    base = unigram if lower == "unigram" else [1 / V] * V
    rows = []
    for a in range(V):
        if row_total[a] == 0:
            rows.append(list(unigram))
            continue
        row = [D * row_types[a] / row_total[a] * base[b] for b in range(V)]
        for (x, b), c in counts.items():
            if x == a:
                row[b] += max(c - D, 0) / row_total[a]
        rows.append(row)
    return rows


def _discounted_numpy(counts, vocab_size, discount):
    table = np.zeros((vocab_size, vocab_size))
    for (a, b), c in counts.items():
        table[a, b] = c
    if not table.sum():
        return np.full((vocab_size, vocab_size), 1 / vocab_size)
    column = table.sum(0)
    unigram = np.maximum(column - discount, 0) / column.sum() + discount * (column > 0).sum() / column.sum() / vocab_size
    rows = table.sum(1, keepdims=True)
    seen = rows[:, 0] > 0
    out = np.tile(unigram, (vocab_size, 1))
    safe = np.where(rows > 0, rows, 1)
    mixed = np.maximum(table - discount, 0) / safe + discount * (table > 0).sum(1, keepdims=True) / safe * unigram
    out[seen] = mixed[seen]
    return torch.tensor(out, dtype=torch.float32)


def _discounted_by_model(counts, vocab_size, discount):
    pairs = [[a, b] for (a, b), c in counts.items() for _ in range(c)]
    model = NGramModel(NGramConfig(vocab_size=vocab_size, order=2, discount=discount)).fit(pairs)
    return [list(model.distribution([a])) for a in range(vocab_size)]


def _nll(probs, sequences, per_sequence=False, log=math.log, transpose=False):
    means, logs = [], []
    for seq in sequences:
        here = [log(float(probs[b][a] if transpose else probs[a][b])) for a, b in zip(seq, seq[1:])]
        logs += here
        if here:
            means.append(sum(here) / len(here))
    return -sum(means) / len(means) if per_sequence else -sum(logs) / len(logs)


def _batch(d, s, b):
    return torch.stack([d[i:i + b] for i in s]), torch.stack([d[i + 1:i + b + 1] for i in s])


def _should_stop(losses, patience):
    return len(losses) > patience and min(losses[-patience:]) >= min(losses[:-patience])


def _should_stop_counting(losses, patience):
    best, bad = math.inf, 0
    for loss in losses:
        best, bad = (loss, 0) if loss < best else (best, bad + 1)
    return bad >= patience


def _lr(step, warmup, max_steps, lr, min_lr, shape="cosine", clamp=True, first=1):
    if step < warmup:
        return lr * (step + first) / warmup
    progress = (step - warmup) / (max_steps - warmup)
    progress = min(1.0, progress) if clamp else progress
    if shape == "linear":
        return lr - (lr - min_lr) * progress
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * progress))


def _transpose_tokens(tokens, shift):
    return [f"NOTE_ON_{int(t[8:]) + shift}" if t.startswith("NOTE_ON_") else t for t in tokens]


def train_step(model, optimizer, x, y):
    """The reference answer of lesson 7, exercise 5 (used by the overfit answers below too)."""
    model.train()
    logits, _ = model(x)
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def _step(model, optimizer, x, y, zero=True, clip=1.0, step=True, result="item", order="normal"):
    logits, _ = model(x)
    loss = F.cross_entropy(logits.transpose(1, 2), y) if order == "transposed" else \
        F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    if zero:
        optimizer.zero_grad(set_to_none=False)
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    if step:
        optimizer.step()
    if result == "after":
        with torch.no_grad():
            logits, _ = model(x)
            return F.cross_entropy(logits.flatten(0, 1), y.flatten()).item()
    return loss if result == "tensor" else loss.item()


def _step_mutating_x(model, optimizer, x, y):
    x.clamp_(max=5)   # "keep the ids small": changes the caller's batch
    return train_step(model, optimizer, x, y)


def _overfit(model, x, y, steps, lr):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    return [train_step(model, optimizer, x, y) for _ in range(steps)]


def _overfit_new_optimizer(model, x, y, steps, lr):
    return [train_step(model, torch.optim.AdamW(model.parameters(), lr=lr), x, y) for _ in range(steps)]


def _overfit_sgd(model, x, y, steps, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return [train_step(model, optimizer, x, y) for _ in range(steps)]


def _overfit_no_training(model, x, y, steps, lr):
    with torch.no_grad():
        logits, _ = model(x)
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten()).item()
    return [loss] * steps


def _attention(q, k, v, mask, scale=None, masked=True, dim=-1):
    scores = q @ k.transpose(-2, -1) / (scale or math.sqrt(q.shape[-1]))
    if masked:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=dim) @ v


def _attention_in_place(q, k, v, mask):
    q /= math.sqrt(q.shape[-1])
    return torch.softmax((q @ k.transpose(-2, -1)).masked_fill(~mask, float("-inf")), -1) @ v


def _count(vocab, block, layers, embd, tied=True, positions=True, biases=True):
    b = 1 if biases else 0
    per_layer = 2 * embd + (3 * embd * embd + 3 * embd * b) + (embd * embd + embd * b) + 2 * embd \
        + (4 * embd * embd + 4 * embd * b) + (4 * embd * embd + embd * b)
    return vocab * embd * (1 if tied else 2) + block * embd * positions + layers * per_layer + 2 * embd


def _decode(q, k, v, cache, append_first=True, scale=True, dim=-2, keep_cache=False):
    keys, values = (k, v) if cache is None else (torch.cat([cache[0], k], dim=dim), torch.cat([cache[1], v], dim=dim))
    seen_k, seen_v = (keys, values) if append_first or cache is None else cache
    scores = q @ seen_k.transpose(-2, -1) / (math.sqrt(q.shape[-1]) if scale else 1)
    out = torch.softmax(scores, dim=-1) @ seen_v
    return out, (cache if keep_cache and cache is not None else (keys, values))


def _decode_scaling_q_in_place(q, k, v, cache):
    q.mul_(1 / math.sqrt(q.shape[-1]))
    keys, values = (k, v) if cache is None else (torch.cat([cache[0], k], -2), torch.cat([cache[1], v], -2))
    return torch.softmax(q @ keys.transpose(-2, -1), -1) @ values, (keys, values)


RIGHT = {
    "markov-bigrams": _bigrams,
    "markov-probability": _probability,
    "markov-bits-per-note": lambda nats, tokens, n: nats * tokens / n / math.log(2),
    "markov-discounting": _discounted,
    "markov-held-out": _nll,
    "lstm-batch": _batch,
    "lstm-early-stop": _should_stop,
    "lstm-lr-schedule": _lr,
    "lstm-transpose-tokens": _transpose_tokens,
    "lstm-train-step": train_step,
    "lstm-overfit": _overfit,
    "tf-causal-mask": lambda n: torch.ones(n, n, dtype=torch.bool).tril(),
    "tf-attention": _attention,
    "tf-param-count": _count,
    "tf-decode-step": _decode,
}

ALSO_RIGHT = {
    "markov-bigrams": [lambda seqs: Counter(p for s in seqs for p in zip(s, s[1:])),
                       lambda seqs: (lambda d: [d.__setitem__(p, d[p] + 1) for s in seqs for p in zip(s, s[1:])] and d or d)(defaultdict(int))],
    "markov-probability": [lambda c, a, b, v, al: float(np.float32(c.get((a, b), 0) + al) / np.float64(
        sum(n for (x, _), n in c.items() if x == a) + al * v))],
    "markov-bits-per-note": [lambda nats, tokens, n: np.float64(nats) * tokens / n * math.log2(math.e)],
    "markov-discounting": [_discounted_numpy, _discounted_by_model],
    "markov-held-out": [lambda p, s: float(-np.mean([np.log(np.asarray(p, dtype=float)[a, b]) for q in s for a, b in zip(q, q[1:])]))],
    "lstm-batch": [lambda d, s, b: [d.unfold(0, b, 1)[s], d.unfold(0, b, 1)[[i + 1 for i in s]]],
                   lambda d, s, b: (d[torch.tensor(s)[:, None] + torch.arange(b)], d[torch.tensor(s)[:, None] + torch.arange(1, b + 1)])],
    "lstm-early-stop": [_should_stop_counting, lambda l, p: bool(np.all(np.array(l[-p:]) >= min(l[:-p]))) if len(l) > p else False],
    "lstm-lr-schedule": [lambda s, w, m, lr, mn: training.learning_rate(s, training.TrainConfig(warmup_steps=w, max_steps=m, lr=lr, min_lr=mn)),
                         lambda s, w, m, lr, mn: np.float64(lr * (s + 1) / w) if s < w else mn + (lr - mn) * (1 + np.cos(np.pi * min(1, (s - w) / (m - w)))) / 2],
    "lstm-transpose-tokens": [lambda t, s: [re.sub(r"^NOTE_ON_(\d+)$", lambda m: f"NOTE_ON_{int(m.group(1)) + s}", x) for x in t],
                              lambda t, s: ["NOTE_ON_" + str(int(x.rsplit("_", 1)[1]) + s) if x.startswith("NOTE_ON") else x for x in t]],
    "lstm-train-step": [lambda m, o, x, y: _step(m, o, x, y, order="transposed"),
                        lambda m, o, x, y: training.train_step(m, o, x, y, o.param_groups[0]["lr"], 1.0)],
    "lstm-overfit": [lambda m, x, y, steps, lr: (lambda o: [train_step(m, o, x, y) for _ in range(steps)])(
        torch.optim.AdamW(m.parameters(), lr))],
    "tf-causal-mask": [lambda n: torch.tril(torch.ones(n, n)).bool(), lambda n: torch.arange(n)[:, None] >= torch.arange(n)],
    "tf-attention": [lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
                     lambda q, k, v, m: torch.einsum("...qk,...kd->...qd", torch.softmax(torch.where(
                         m, torch.einsum("...qd,...kd->...qk", q, k) / q.shape[-1] ** 0.5, torch.tensor(-1e30, dtype=q.dtype)), -1), v)],
    "tf-param-count": [lambda v, b, l, e: sum(p.numel() for p in Transformer(TransformerConfig(
        vocab_size=v, n_layer=l, n_head=1, n_embd=e, block_size=b)).parameters()),
                       lambda v, b, l, e: np.int64(_count(v, b, l, e))],
    "tf-decode-step": [lambda q, k, v, c: (lambda kv: (F.scaled_dot_product_attention(q, *kv), list(kv)))(
        (k, v) if c is None else (torch.cat([c[0], k], -2), torch.cat([c[1], v], -2)))],
}

WRONG = {
    "markov-bigrams": [
        (lambda seqs: _bigrams([sum(seqs, [])]), "never across two sequences"),
        (lambda seqs: _bigrams([s[1:] for s in seqs]), "expected"),
        (lambda seqs: list(_bigrams(seqs)), "expected a dict"),
        (_bigrams_popping, "changed its input"),
        (lambda seqs: {k: float(v) for k, v in _bigrams(seqs).items()}, "whole number"),
        (lambda seqs: {(1, 5): 2, (5, 6): 2, (6, 5): 1, (6, 2): 1, (5, 5): 1, (5, 7): 1, (7, 2): 1}, "differ at"),
    ],
    "markov-probability": [
        (lambda c, a, b, v, al: (c.get((a, b), 0) + al) / (sum(c.values()) + al * v), "add-alpha"),
        (lambda c, a, b, v, al: c.get((a, b), 0) / max(1, sum(n for (x, _), n in c.items() if x == a)), "expected"),
        (lambda c, a, b, v, al: (c.get((a, b), 0) + al) / (sum(n for (x, _), n in c.items() if x == a) + al), "expected"),
        (_probability_setdefault, "changed its input"),
        (lambda c, a, b, v, al: torch.tensor(_probability(c, a, b, v, al)), ".item()"),
        (lambda c, a, b, v, al: (c.get((a, b), 0) + al) / (sum(n for (_, x), n in c.items() if x == a) + al * v), "expected"),
    ],
    "markov-bits-per-note": [
        (lambda n, t, k: n * t / k, "divide by ln 2"),
        (lambda n, t, k: n / math.log(2), "expected"),
        (lambda n, t, k: n * k / t / math.log(2), "expected"),
        (lambda n, t, k: n * (t // k) / math.log(2), "not //"),
        (lambda n, t, k: f"{n * t / k / math.log(2):.2f}", "should be a number"),
        (lambda n, t, k: n * t / k / math.log(10), "expected"),
    ],
    "markov-discounting": [
        (lambda c, v, d: _discounted(c, v, d, lower="uniform"), "not to the uniform"),
        (lambda c, v, d: _discounted(c, v, d, unigram_discount=False), "should be"),
        (lambda c, v, d: [[(c.get((a, b), 0) + d) / (sum(n for (x, _), n in c.items() if x == a) + d * v)
                           for b in range(v)] for a in range(v)], "should be"),
        (lambda c, v, d: [list(r) for r in zip(*_discounted(c, v, d))], "should be"),
        (lambda c, v, d: {a: row for a, row in enumerate(_discounted(c, v, d))}, "table"),
        (lambda c, v, d: c.clear() or _discounted({}, v, d), "changed its input"),
        (lambda c, v, d: _discounted(c, v, d)[:-1], "table"),
    ],
    "markov-held-out": [
        (lambda p, s: _nll(p, s, per_sequence=True), "not sequence by sequence"),
        (lambda p, s: _nll(p, s, transpose=True), "not probs[next][previous]"),
        (lambda p, s: _nll(p, s, log=math.log2), "not log2"),
        (lambda p, s: _nll(p, [sum(s, [])]), "expected"),
        (lambda p, s: torch.tensor(_nll(p, s)), ".item()"),
        (lambda p, s: s.sort() or _nll(p, s), "changed its input"),
    ],
    "lstm-batch": [
        (lambda d, s, b: _batch(d, s, b)[::-1], "the inputs should be"),
        (lambda d, s, b: (_batch(d, s, b)[0],) * 2, "the targets should be"),
        (lambda d, s, b: tuple(t.float() for t in _batch(d, s, b)), "dtype"),
        (lambda d, s, b: torch.stack([d[i:i + b] for i in s]), "expected two tensors"),
        (lambda d, s, b: s.sort() or _batch(d, s, b), "changed its input"),
        (lambda d, s, b: (_batch(d, s, b)[0], _batch(d, s, b)[0] + 1), "the targets should be"),
    ],
    "lstm-early-stop": [
        (lambda l, p: len(l) > p and l[-1] > l[-2], "expected"),
        (lambda l, p: False, "expected True"),
        (lambda l, p: len(l) > p and min(l[-p:]) > min(l[:-p]), "a loss equal to the best one is no better"),
        (lambda l, p: len(l) >= p and min(l[-p:] or [0]) >= min(l[:-p], default=-math.inf), "expected"),
        (lambda l, p: int(_should_stop(l, p)), "True or False"),
        (lambda l, p: l.sort() or _should_stop(l, p), "changed its input"),
    ],
    "lstm-lr-schedule": [
        (lambda s, w, m, lr, mn: _lr(s, w, m, lr, mn, shape="linear"), "not a half cosine"),
        (lambda s, w, m, lr, mn: lr, "expected"),
        (lambda s, w, m, lr, mn: _lr(s, w, m, lr, 0.0), "down to min_lr, not to 0"),
        (lambda s, w, m, lr, mn: _lr(s, w, m, lr, mn, first=0), "use (step + 1)"),
        (lambda s, w, m, lr, mn: _lr(s, w, m, lr, mn, clamp=False), "progress is at most 1"),
        (lambda s, w, m, lr, mn: torch.tensor(_lr(s, w, m, lr, mn)), ".item()"),
    ],
    "lstm-transpose-tokens": [
        (lambda t, s: list(t), "Add shift"),
        (lambda t, s: [x.replace("60", str(60 + s)) for x in t], "expected"),
        (lambda t, s: [f"{x[:-2]}{int(x[-2:]) + s}" if x.startswith("NOTE_ON_") else x for x in t], "three digits and one digit"),
        (lambda t, s: [t.__setitem__(i, x) for i, x in enumerate(_transpose_tokens(t, s))] and t, "changed its input"),
        (lambda t, s: [re.sub(r"\d+$", lambda m: str(int(m.group()) + s), x) for x in t], "only NOTE_ON tokens change"),
        (lambda t, s: tuple(_transpose_tokens(t, s)), "should be a list"),
    ],
    "lstm-train-step": [
        (lambda m, o, x, y: _step(m, o, x, y, zero=False), "zero_grad"),
        (lambda m, o, x, y: _step(m, o, x, y, step=False), "optimizer.step()"),
        (lambda m, o, x, y: _step(m, o, x, y, result="tensor"), ".item()"),
        (lambda m, o, x, y: _step(m, o, x, y, clip=None), "clip_grad_norm_"),
        (lambda m, o, x, y: _step(m, o, x, y, result="after"), "before the update"),
        (lambda m, o, x, y: _step(m, o, x, y, clip=0.5), "in this order"),
        (_step_mutating_x, "changed its input"),
    ],
    "lstm-overfit": [
        (_overfit_new_optimizer, "made once"),
        (_overfit_sgd, "should fall"),
        (lambda m, x, y, steps, lr: _overfit(m, x, y, steps, lr)[-1], "should be a list"),
        (lambda m, x, y, steps, lr: _overfit(m, x, y, max(steps - 1, 0), lr), "one loss per step"),
        (_overfit_no_training, "should fall"),
        (lambda m, x, y, steps, lr: [torch.tensor(v) for v in _overfit(m, x, y, steps, lr)], ".item()"),
        (lambda m, x, y, steps, lr: x.zero_() is None or _overfit(m, x, y, steps, lr), "changed its input"),
    ],
    "tf-causal-mask": [
        (lambda n: torch.ones(n, n, dtype=torch.bool).triu(), "lower"),
        (lambda n: torch.ones(n, n).tril(), "bool tensor"),
        (lambda n: torch.ones(n, n, dtype=torch.bool).tril(-1), "diagonal included"),
        (lambda n: np.tril(np.ones((n, n), dtype=bool)), "bool tensor"),
        (lambda n: torch.ones(4, 4, dtype=torch.bool).tril(), "expected"),
        (lambda n: torch.ones(n, n, dtype=torch.bool), "expected"),
    ],
    "tf-attention": [
        (lambda q, k, v, m: _attention(q, k, v, m, masked=False), "ignores the mask"),
        (lambda q, k, v, m: _attention(q, k, v, m, scale=1.0), "sqrt(d)"),
        (lambda q, k, v, m: torch.zeros_like(q), "differs"),
        (lambda q, k, v, m: _attention(q, k, v, m, scale=math.sqrt(8)), "differs"),
        (lambda q, k, v, m: _attention(q, k, v, m, dim=-2), "over the last dimension"),
        (_attention_in_place, "changed its input"),
    ],
    "tf-param-count": [
        (lambda v, b, l, e: _count(v, b, l, e, tied=False), "shares the token"),
        (lambda v, b, l, e: _count(v, b, l, e, positions=False), "expected"),
        (lambda v, b, l, e: l * 12 * e * e, "expected"),
        (lambda v, b, l, e: float(_count(v, b, l, e)), "whole number"),
        (lambda v, b, l, e: 882_304, "expected"),
        (lambda v, b, l, e: _count(v, b, l, e, biases=False), "with biases"),
    ],
    "tf-decode-step": [
        (lambda q, k, v, c: _decode(q, k, v, c, append_first=False), "append k and v"),
        (lambda q, k, v, c: _decode(q, k, v, c, scale=False), "differs"),
        (lambda q, k, v, c: _decode(q, k, v, c, dim=-1), "raised RuntimeError"),
        (lambda q, k, v, c: _decode(q, k, v, c, keep_cache=True), "positions so far"),
        (lambda q, k, v, c: _decode(q, k, v, c)[0], "expected (output, (keys, values))"),
        (_decode_scaling_q_in_place, "changed its input"),
    ],
}
