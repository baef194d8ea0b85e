"""An LSTM language model in the spirit of Magenta's MelodyRNN (lesson 7).

Embedding, a stack of LSTM layers, and a linear layer to the vocabulary. The
LSTM's hidden state plays the role the key/value cache plays in the
Transformer: generation feeds one token at a time and carries the state.
"""

from dataclasses import dataclass

import torch.nn as nn


@dataclass
class LSTMConfig:
    """The LSTM's shape; the defaults are the shipped model's."""

    vocab_size: int
    n_embd: int = 128
    hidden: int = 256
    n_layer: int = 2
    dropout: float = 0.0
    block_size: int = 256     # training window; generation can run longer


class LSTMModel(nn.Module):
    """Embedding, a stack of LSTM layers, and a linear layer back to the vocabulary."""

    kind = "lstm"

    def __init__(self, cfg: LSTMConfig):
        super().__init__()
        self.config = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.lstm = nn.LSTM(cfg.n_embd, cfg.hidden, cfg.n_layer, batch_first=True,
                            dropout=cfg.dropout if cfg.n_layer > 1 else 0.0)
        self.drop = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.hidden, cfg.vocab_size)

    def new_cache(self, batch_size: int):
        """The state to start generating from: None, which the LSTM reads as zeros.

        Example: ``logits, state = model(prompt, model.new_cache(1))``
        """
        return None

    def forward(self, ids, cache=None):
        """``ids`` (B, T) -> logits (B, T, vocab) and the LSTM state to continue from."""
        out, state = self.lstm(self.drop(self.tok(ids)), cache)
        return self.head(self.drop(out)), state

    @property
    def context(self):
        """None: no limit, the state summarises everything so far."""
        return None
