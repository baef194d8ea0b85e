"""An n-gram (Markov) model over tokens, trained by counting (lesson 6).

The probability of the next token depends on the previous n-1 tokens only.
Counts are smoothed by *interpolated absolute discounting*: every seen count
gives up a little (``discount``) to the next-shorter context, down to a uniform
distribution, so no token ever gets probability zero and the model can score
any test piece. It shares the neural models' interface:
``log_probs, cache = model(ids, cache)``, so the same evaluation and sampling
code serves all three.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class NGramConfig:
    """The n-gram model's settings; order 5 is what the validation split chooses (lesson 6)."""

    vocab_size: int
    order: int = 5          # n: the model looks at n-1 previous tokens
    discount: float = 0.75


class NGramModel:
    """Counts of (context, next token), smoothed by interpolated absolute discounting."""

    kind = "ngram"

    def __init__(self, cfg: NGramConfig):
        if cfg.order < 1:
            raise ValueError(f"order must be at least 1, not {cfg.order}")
        self.config = cfg
        # counts[k][context of k tokens] = Counter(next token -> count)
        self.counts = [defaultdict(Counter) for _ in range(cfg.order)]

    def fit(self, sequences) -> "NGramModel":
        """Count every (context, next token) pair in an iterable of token lists; returns the model.

        Example: ``model = NGramModel(NGramConfig(vocab_size=210)).fit(data.ids["train"])``
        """
        n = self.config.order
        for seq in sequences:
            seq = list(seq)
            for i in range(1, len(seq)):
                for k in range(min(n - 1, i) + 1):
                    self.counts[k][tuple(seq[i - k:i])][seq[i]] += 1
        return self

    def distribution(self, history) -> np.ndarray:
        """P(next token | history) as a numpy vector over the vocabulary.

        Example: ``model.distribution([1, 5, 6]).argmax()`` -> the likeliest next token
        """
        V, d = self.config.vocab_size, self.config.discount
        p = np.full(V, 1.0 / V)
        history = list(history)[-(self.config.order - 1):] if self.config.order > 1 else []
        for k in range(len(history) + 1):
            context = tuple(history[len(history) - k:])
            seen = self.counts[k].get(context)
            if not seen:
                break   # a longer context cannot have been seen either
            total = sum(seen.values())
            counts = np.zeros(V)
            counts[list(seen)] = list(seen.values())
            p = np.maximum(counts - d, 0) / total + d * len(seen) / total * p
        return p

    def __call__(self, ids, cache=None):
        """Log-probabilities (B, T, V) for each position of ``ids``; the cache is the history."""
        ids = ids.tolist()
        out = np.empty((len(ids), len(ids[0]), self.config.vocab_size))
        histories = [list(h) for h in cache] if cache is not None else [[] for _ in ids]
        for b, row in enumerate(ids):
            for t, token in enumerate(row):
                histories[b].append(token)
                out[b, t] = self.distribution(histories[b])
        keep = max(self.config.order - 1, 0)
        new_cache = [h[-keep:] if keep else [] for h in histories]
        return torch.from_numpy(np.log(out)).float(), new_cache

    # the neural models' interface, so evaluation and sampling code is shared
    def new_cache(self, batch_size: int):
        """None: the history starts empty."""
        return None

    def eval(self):
        """Nothing to switch off; returns the model, as ``nn.Module.eval`` does."""
        return self

    def parameters(self):
        """No parameters: the counts are the model."""
        return iter(())

    @property
    def context(self):
        """None: sampling never needs to crop the history (the model reads only its last n-1 tokens)."""
        return None
