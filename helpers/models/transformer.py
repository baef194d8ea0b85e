"""A small decoder-only Transformer for token sequences (lesson 8).

The default configuration is the student Transformer project's: 4 layers,
4 heads, 128-dimensional embeddings, a context of 256 tokens (about 0.9 M
parameters with a vocabulary of a few hundred tokens). Attention uses
``torch.nn.functional.scaled_dot_product_attention``; generation keeps a
key/value cache so each new token costs one position, not the whole context.

    logits, cache = model(ids)                  # a whole prompt (causal)
    logits, cache = model(next_ids, cache)      # one more token per sequence
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TransformerConfig:
    vocab_size: int
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 256      # the longest context the model sees
    dropout: float = 0.1


class SelfAttention(nn.Module):
    """Multi-head causal self-attention with an optional key/value cache."""

    def __init__(self, cfg):
        super().__init__()
        if cfg.n_embd % cfg.n_head:
            raise ValueError(f"n_embd ({cfg.n_embd}) must be divisible by n_head ({cfg.n_head})")
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout
        self.block_size = cfg.block_size

    def forward(self, x, past=None):
        """``x`` (B, T, C) -> output (B, T, C) and this layer's cache ``(keys, values, length)``.

        The cache holds room for the whole context, filled up to ``length``:
        a new token's key and value are written in place, instead of copying
        every earlier one into a new, longer tensor at each step.
        """
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, T, C) -> (B, heads, T, C / heads)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if past is None:   # a whole sequence: the usual causal mask
            y = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1,
                                               dropout_p=self.dropout if self.training else 0.0)
            cache = None if self.training else self.new_cache(k, v)
        else:              # one new token: it may see every cached position, so no mask
            if T > 1:
                raise ValueError("feed the prompt without a cache, then one token at a time")
            keys, values, length = past
            keys[:, :, length] = k[:, :, 0]
            values[:, :, length] = v[:, :, 0]
            cache = (keys, values, length + 1)
            y = F.scaled_dot_product_attention(q, keys[:, :, :length + 1], values[:, :, :length + 1])
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), cache

    def new_cache(self, k, v):
        """Room for the whole context, with the prompt's keys and values at the start."""
        B, H, T, D = k.shape
        keys = k.new_empty(B, H, self.block_size, D)
        values = torch.empty_like(keys)
        keys[:, :, :T] = k
        values[:, :, :T] = v
        return keys, values, T


class Block(nn.Module):
    """Pre-norm Transformer block: attention then a two-layer MLP, each with a residual."""

    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.n_embd)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = nn.Sequential(nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(),
                                 nn.Linear(4 * cfg.n_embd, cfg.n_embd), nn.Dropout(cfg.dropout))

    def forward(self, x, past=None):
        a, present = self.attn(self.ln1(x), past)
        x = x + a
        return x + self.mlp(self.ln2(x)), present


class Transformer(nn.Module):
    """Token and position embeddings, a stack of blocks, and a head tied to the embeddings."""

    kind = "transformer"

    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.pos = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.head.weight = self.tok.weight   # weight tying: fewer parameters, better small models
        self.apply(_init_weights)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def forward(self, ids, cache=None):
        """``ids`` (B, T) -> logits (B, T, vocab) and the new cache (one per layer).

        The cache is updated in place: after a step, use the cache it returns.
        """
        start = 0 if cache is None else cache[0][2]
        T = ids.shape[1]
        if start + T > self.config.block_size:
            raise ValueError(f"{start + T} positions is more than the context of "
                             f"{self.config.block_size}; crop the input")
        x = self.drop(self.tok(ids) + self.pos.weight[start:start + T])   # positions start..start+T-1
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, present = block(x, None if cache is None else cache[i])
            new_cache.append(present)
        return self.head(self.ln_f(x)), new_cache

    @property
    def context(self):
        return self.config.block_size


def _init_weights(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
