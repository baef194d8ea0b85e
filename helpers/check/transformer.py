"""Checks for lesson 8, "Train a Transformer" (notebooks/medium/08_train_a_transformer.ipynb).

Attention is compared with PyTorch's ``F.scaled_dot_product_attention`` on
random shapes (batches, heads, sizes other than 8, masks that are not
causal); the parameter count with the course's ``Transformer`` itself; the
cached decoding step, position by position, with the full causal pass.
"""

import math
import random

import torch
import torch.nn.functional as F

from helpers.check.calling import call, expect_function
from helpers.check.cases import Case, run_cases
from helpers.check.compare import expect_int
from helpers.check.core import Hint, register
from helpers.check.inputs import torch_generator
from helpers.models import Transformer, TransformerConfig


def causal_mask_reference(size: int) -> torch.Tensor:
    """A ``size`` x ``size`` bool tensor, True where j <= i.

    Example: ``causal_mask_reference(2)`` -> ``tensor([[True, False], [True, True]])``
    """
    return torch.ones(size, size, dtype=torch.bool).tril()


@register("tf-causal-mask")
def check_causal_mask(answer, rng: random.Random) -> None:
    """Lesson 8, exercise 1: ``causal_mask(size)``.

    Example: ``check("tf-causal-mask", causal_mask)``
    """
    expect_function(answer, "causal_mask")

    def compare(got, expected, case):
        if not isinstance(got, torch.Tensor) or got.dtype != torch.bool:
            raise Hint(f"expected a bool tensor (masked_fill needs True/False, not 1/0), got "
                       f"{type(got).__name__} {getattr(got, 'dtype', '')}.")
        if tuple(got.shape) != tuple(expected.shape) or not torch.equal(got, expected):
            raise Hint(f"expected True where query i may look at key j, that is j <= i (the lower "
                       f"triangle, diagonal included): {expected.int().tolist()}; got "
                       f"{got.int().tolist() if got.dim() == 2 else tuple(got.shape)}.")

    cases = [Case((1,), "one position"), Case((2,)), Case((4,))]
    cases += [Case((rng.randint(3, 12),)) for _ in range(6)]
    run_cases(answer, "causal_mask", cases, causal_mask_reference, compare)


def attention_reference(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """PyTorch's ``F.scaled_dot_product_attention(q, k, v, attn_mask=mask)``.

    Example: ``attention_reference(q, k, v, causal_mask(5))``
    """
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def _qkv(rng: random.Random, shape: tuple, keys: int | None = None, dtype=torch.float32):
    generator = torch_generator(rng)
    k_shape = shape[:-2] + (keys or shape[-2], shape[-1])
    return (torch.randn(shape, generator=generator, dtype=dtype),
            torch.randn(k_shape, generator=generator, dtype=dtype),
            torch.randn(k_shape, generator=generator, dtype=dtype))


def _random_mask(rng: random.Random, queries: int, keys: int) -> torch.Tensor:
    """A mask that is not causal (padding-like), with at least one True per row."""
    rows = [[rng.random() < 0.6 for _ in range(keys)] for _ in range(queries)]
    for row in rows:
        row[rng.randrange(keys)] = True
    return torch.tensor(rows)


@register("tf-attention")
def check_attention(answer, rng: random.Random) -> None:
    """Lesson 8, exercise 2: ``attention(q, k, v, mask)``.

    Example: ``check("tf-attention", attention)``
    """
    expect_function(answer, "attention")

    def compare(got, expected, case):
        q, k, v, mask = case.args
        if not isinstance(got, torch.Tensor) or got.shape != expected.shape or not got.is_floating_point():
            raise Hint(f"expected a float tensor of shape {tuple(expected.shape)} (one output per query, "
                       f"the size of v's last dimension), got {type(got).__name__} "
                       f"{tuple(getattr(got, 'shape', ()))} {getattr(got, 'dtype', '')}.")
        got = got.detach().to(expected.dtype)
        if torch.allclose(got, expected, atol=1e-5):
            return
        tips = {"your attention ignores the mask: set the scores where mask is False to -inf before "
                "the softmax": F.scaled_dot_product_attention(q, k, v),
                "divide the scores q @ k^T by sqrt(d), d the size of the last dimension (here "
                f"{q.shape[-1]})": F.scaled_dot_product_attention(q * math.sqrt(q.shape[-1]), k, v, attn_mask=mask)}
        tip = next((t for t, wrong in tips.items() if torch.allclose(got, wrong, atol=1e-5)),
                   "expected softmax(q @ k^T / sqrt(d), with -inf where mask is False) @ v, the softmax "
                   "over the last dimension (the keys)")
        raise Hint(f"the output differs from softmax(q k^T / sqrt(d)) v (largest difference "
                   f"{(got - expected).abs().max().item():.3g}): {tip}.")

    cases = [Case(_qkv(rng, (2, 5, 8)) + (causal_mask_reference(5),), "a causal mask"),
             Case(_qkv(rng, (1, 3, 4, 3)) + (causal_mask_reference(4),), "3 heads, d = 3"),
             Case(_qkv(rng, (1, 1, 16), keys=6) + (torch.ones(1, 6, dtype=torch.bool),),
                  "one query against six keys, as in generation"),
             Case(_qkv(rng, (2, 4, 6), dtype=torch.float64) + (_random_mask(rng, 4, 4),),
                  "float64, a mask that is not causal")]
    for _ in range(6):
        shape = (rng.randint(1, 2),) + ((rng.randint(1, 3),) if rng.random() < 0.5 else ()) + \
            (rng.randint(2, 7), rng.choice([2, 5, 8, 16]))
        mask = causal_mask_reference(shape[-2]) if rng.random() < 0.5 else _random_mask(rng, shape[-2], shape[-2])
        cases.append(Case(_qkv(rng, shape) + (mask,)))
    run_cases(answer, "attention", cases, attention_reference, compare)


def parameter_count_reference(vocab: int, block: int, layers: int, embd: int) -> int:
    """The parameters of the course's ``Transformer`` with this shape, counted on a real one.

    Example: ``parameter_count_reference(210, 256, 4, 128)`` -> the default model's size
    """
    heads = 4 if embd % 4 == 0 else 1
    config = TransformerConfig(vocab_size=vocab, n_layer=layers, n_head=heads, n_embd=embd, block_size=block)
    return sum(p.numel() for p in Transformer(config).parameters())


@register("tf-param-count")
def check_param_count(answer, rng: random.Random) -> None:
    """Lesson 8, exercise 3: ``count_parameters(vocab, block, layers, embd)``.

    Example: ``check("tf-param-count", count_parameters)``
    """
    expect_function(answer, "count_parameters")

    def compare(got, expected, case):
        if expect_int(got, "count_parameters") != expected:
            raise Hint(f"expected {expected:,}, got {got:,}. Count the token and position embeddings; per "
                       "layer two LayerNorms (weight and bias each), the qkv and output projections and "
                       "the two MLP layers (with biases); the final LayerNorm; the head shares the token "
                       "embedding's weights.")

    cases = [Case((210, 256, 4, 128)), Case((66, 64, 2, 32)), Case((100, 16, 1, 8))]
    for _ in range(6):
        cases.append(Case((rng.randint(10, 400), rng.choice([8, 16, 32, 128]), rng.randint(1, 4),
                           rng.choice([8, 12, 16, 24, 48]))))
    run_cases(answer, "count_parameters", cases, parameter_count_reference, compare)


@register("tf-decode-step")
def check_decode_step(answer, rng: random.Random) -> None:
    """Lesson 8, exercise 4: ``decode_step(q, k, v, cache)``, step by step against the full causal pass.

    Example: ``check("tf-decode-step", decode_step)``
    """
    expect_function(answer, "decode_step")
    for note, shape in (("one sequence, one head, d = 8", (1, 1, 4, 8)),
                        ("2 sequences, 3 heads, d = 5", (2, 3, 5, 5)),
                        ("random sizes", (rng.randint(1, 3), rng.randint(1, 4), rng.randint(2, 7),
                                          rng.choice([2, 4, 16])))):
        q, k, v = _qkv(rng, shape)
        _compare_decoding(answer, note, q, k, v)


def _compare_decoding(answer, note: str, q, k, v) -> None:
    full = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    cache = None
    for t in range(q.shape[-2]):
        step = slice(t, t + 1)
        where = f"On {note} (q, k, v of shape {tuple(q[..., step, :].shape)}), at position {t}"
        where += " (cache None)" if cache is None else f" (a cache of {t} position{'s' if t > 1 else ''})"
        got = call(answer, q[..., step, :], k[..., step, :], v[..., step, :], cache, name="decode_step")
        if not (isinstance(got, (tuple, list)) and len(got) == 2
                and isinstance(got[1], (tuple, list)) and len(got[1]) == 2):
            raise Hint(f"{where}, expected (output, (keys, values)), got {type(got).__name__} {got!r:.80}.")
        out, (keys, values) = got
        want_keys, want_values = k[..., :t + 1, :], v[..., :t + 1, :]
        for label, have, want in (("keys", keys, want_keys), ("values", values, want_values)):
            if not (isinstance(have, torch.Tensor) and have.shape == want.shape and have.is_floating_point()
                    and torch.allclose(have.detach().to(want.dtype), want)):
                raise Hint(f"{where}, the new cache's {label} should be the {t + 1} positions so far, "
                           f"shape {tuple(want.shape)} (torch.cat along dim -2), got "
                           f"{tuple(getattr(have, 'shape', ()))}.")
        want = full[..., step, :]
        if not isinstance(out, torch.Tensor) or out.shape != want.shape or not out.is_floating_point():
            raise Hint(f"{where}, the output should be a float tensor of shape {tuple(want.shape)}, got "
                       f"{type(out).__name__} {tuple(getattr(out, 'shape', ()))}.")
        out = out.detach().to(want.dtype)
        if not torch.allclose(out, want, atol=1e-5):
            past_only = F.scaled_dot_product_attention(q[..., step, :], want_keys[..., :t, :], want_values[..., :t, :]) \
                if t else None
            tip = ("the new query must see the new key too: append k and v to the cache first, then attend"
                   if past_only is not None and torch.allclose(out, past_only, atol=1e-5) else
                   "attend with softmax(q @ keys^T / sqrt(d)) @ values over every cached position and the "
                   "new one (no mask: nothing there is in the future)")
            raise Hint(f"{where}, the output should equal position {t} of the full causal attention, "
                       f"but differs by up to {(out - want).abs().max().item():.3g}: {tip}.")
        cache = (keys, values)
