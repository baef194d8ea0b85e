"""A small decoder-only Transformer for token sequences (lesson 8).

The default configuration is the student Transformer project's: 4 layers,
4 heads, 128-dimensional embeddings, a context of 256 tokens (about 0.9 M
parameters with a vocabulary of a few hundred tokens). Attention uses
``torch.nn.functional.scaled_dot_product_attention``. Generation keeps a
key/value cache, made only when asked for, so each new token costs one
position, not the whole context::

    logits, _ = model(ids)                      # training and evaluation: no cache
    cache = model.new_cache(batch_size)         # generation: room for the whole context
    logits, cache = model(prompt_ids, cache)    # the prompt (causal), its keys and values kept
    logits, cache = model(next_ids, cache)      # one more token per sequence
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TransformerConfig:
    """The Transformer's shape; the defaults are the student project's (and the shipped model's)."""

    vocab_size: int
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 256      # the longest context the model sees
    dropout: float = 0.0


class KVCache(NamedTuple):
    """One layer's keys and values, with room for the whole context, filled up to ``length``."""

    keys: torch.Tensor         # (batch, heads, block_size, head size)
    values: torch.Tensor
    length: int                # positions filled so far


class SelfAttention(nn.Module):
    """Multi-head causal self-attention that can read and extend a :class:`KVCache`."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        if cfg.n_embd % cfg.n_head:
            raise ValueError(f"n_embd ({cfg.n_embd}) must be divisible by n_head ({cfg.n_head})")
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout

    def forward(self, x, cache: KVCache | None = None):
        """``x`` (B, T, C) -> output (B, T, C) and the extended cache (None without one).

        With a cache, the new keys and values are written in place after the
        ``cache.length`` positions already there, and the new positions attend
        to all of them (and causally to each other).
        """
        B, T, C = x.shape
        # (B, T, 3C) -> three tensors of shape (B, heads, T, C / heads)
        q, k, v = self.qkv(x).view(B, T, 3, self.n_head, C // self.n_head).permute(2, 0, 3, 1, 4)
        if cache is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1,
                                               dropout_p=self.dropout if self.training else 0.0)
        else:
            start, end = cache.length, cache.length + T
            cache.keys[:, :, start:end] = k
            cache.values[:, :, start:end] = v
            keys, values = cache.keys[:, :, :end], cache.values[:, :, :end]
            if T == 1:         # one new token may see every cached position: no mask
                y = F.scaled_dot_product_attention(q, keys, values)
            else:              # new position i sees everything up to start + i
                mask = torch.ones(T, end, dtype=torch.bool, device=x.device).tril(diagonal=start)
                y = F.scaled_dot_product_attention(q, keys, values, attn_mask=mask)
            cache = KVCache(cache.keys, cache.values, end)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.proj(y), cache


class MLP(nn.Module):
    """The feed-forward part of a block: widen 4 times, GELU, narrow back."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd)
        self.proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout

    def forward(self, x):
        return F.dropout(self.proj(F.gelu(self.fc(x))), self.dropout, self.training)


class Block(nn.Module):
    """Pre-norm Transformer block: attention then the MLP, each with a residual connection."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.n_embd)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = MLP(cfg)

    def forward(self, x, cache: KVCache | None = None):
        a, cache = self.attn(self.ln1(x), cache)
        x = x + a
        return x + self.mlp(self.ln2(x)), cache


class Transformer(nn.Module):
    """Token and position embeddings, a stack of blocks, and a head tied to the embeddings."""

    kind = "transformer"

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.config = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.pos = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.head.weight = self.tok.weight   # weight tying: fewer parameters, better small models
        self.apply(_init_weights)
        for block in self.blocks:   # GPT-2: the layers that add to the residual stream start smaller
            for layer in (block.attn.proj, block.mlp.proj):
                nn.init.normal_(layer.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def new_cache(self, batch_size: int) -> list[KVCache]:
        """An empty key/value cache for ``batch_size`` sequences: one :class:`KVCache` per layer.

        Example: ``cache = model.new_cache(4); logits, cache = model(prompt, cache)``
        """
        cfg = self.config
        weight = self.tok.weight
        shape = (batch_size, cfg.n_head, cfg.block_size, cfg.n_embd // cfg.n_head)
        return [KVCache(weight.new_empty(shape), weight.new_empty(shape), 0) for _ in self.blocks]

    def forward(self, ids, cache: list[KVCache] | None = None):
        """``ids`` (B, T) -> logits (B, T, vocab), and the extended cache (None without one).

        Without a cache, the T positions are 0..T-1; with one, they continue
        after the positions the cache holds (``cache[0].length``).
        """
        start = 0 if cache is None else cache[0].length
        T = ids.shape[1]
        if start + T > self.config.block_size:
            raise ValueError(f"{start + T} positions is more than the context of "
                             f"{self.config.block_size}; crop the input")
        x = F.dropout(self.tok(ids) + self.pos.weight[start:start + T], self.config.dropout,
                      self.training)
        new_cache = None if cache is None else []
        for i, block in enumerate(self.blocks):
            x, layer_cache = block(x, None if cache is None else cache[i])
            if cache is not None:
                new_cache.append(layer_cache)
        return self.head(self.ln_f(x)), new_cache

    @property
    def context(self) -> int:
        """The longest sequence the model reads (its ``block_size``)."""
        return self.config.block_size


def _init_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
