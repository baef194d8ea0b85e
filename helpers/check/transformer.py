"""Checks for lesson 8, "Train a Transformer" (notebooks/medium/08_train_a_transformer.ipynb)."""

import torch
import torch.nn.functional as F

from helpers.check.core import Hint, call, expect_function, register


@register("tf-causal-mask")
def check_causal_mask(answer):
    expect_function(answer, "causal_mask")
    for size in (1, 4):
        got = call(answer, size)
        if not isinstance(got, torch.Tensor) or got.dtype != torch.bool:
            raise Hint(f"causal_mask should return a bool tensor, got {type(got).__name__} "
                       f"{getattr(got, 'dtype', '')}.")
        expected = torch.ones(size, size, dtype=torch.bool).tril()
        if tuple(got.shape) != (size, size) or not torch.equal(got, expected):
            raise Hint(f"causal_mask({size}) should be True where position i may look at position j, "
                       f"that is j <= i (lower triangle, diagonal included): {expected.int().tolist()}; "
                       f"got {got.int().tolist()}.")


@register("tf-attention")
def check_attention(answer):
    expect_function(answer, "attention")
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 5, 8, generator=g) for _ in range(3))
    mask = torch.ones(5, 5, dtype=torch.bool).tril()
    got = call(answer, q, k, v, mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        raise Hint(f"attention should return a tensor shaped like v, {tuple(expected.shape)}; got "
                   f"{tuple(getattr(got, 'shape', ()))}.")
    if torch.allclose(got, F.scaled_dot_product_attention(q, k, v), atol=1e-5):
        raise Hint("your attention ignores the mask: set the scores where mask is False to -inf "
                   "before the softmax.")
    unscaled = torch.softmax((q @ k.transpose(-2, -1)).masked_fill(~mask, float("-inf")), -1) @ v
    if torch.allclose(got, unscaled, atol=1e-5):
        raise Hint("divide the scores q @ k^T by sqrt(d), the size of the last dimension (here 8).")
    if not torch.allclose(got, expected, atol=1e-5):
        raise Hint("expected softmax(q @ k^T / sqrt(d), masked) @ v, with the softmax over the last "
                   "dimension (the keys).")


@register("tf-param-count")
def check_param_count(answer):
    from helpers.models import Transformer, TransformerConfig

    expect_function(answer, "count_parameters")
    for vocab, block, layers, embd in ((210, 256, 4, 128), (66, 64, 2, 32), (100, 16, 1, 8)):
        cfg = TransformerConfig(vocab_size=vocab, n_layer=layers, n_embd=embd, n_head=4 if embd % 4 == 0 else 1,
                                block_size=block)
        expected = sum(p.numel() for p in Transformer(cfg).parameters())
        got = call(answer, vocab, block, layers, embd)
        if got != expected:
            raise Hint(f"count_parameters(vocab={vocab}, block={block}, layers={layers}, embd={embd}) "
                       f"should be {expected:,}, got {got!r}. Count the token and position embeddings, "
                       "per layer two LayerNorms (weight and bias each), the qkv and output "
                       "projections and the two MLP layers (with biases), the final LayerNorm; the "
                       "head shares the token embedding's weights.")
