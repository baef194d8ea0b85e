"""The course's sequence models, one readable file each.

* ``ngram``       - an n-gram model with smoothing, trained by counting (lesson 6)
* ``lstm``        - an LSTM language model like Magenta's MelodyRNN (lesson 7)
* ``transformer`` - a decoder-only Transformer with a key/value cache (lesson 8)

All three answer the same call, ``logits, cache = model(ids, cache)``:
``ids`` is a (batch, time) tensor of token ids, ``logits`` holds a score for
every vocabulary token at every position, and ``cache`` lets generation feed
one token at a time.
"""

from helpers.models.lstm import LSTMConfig, LSTMModel
from helpers.models.ngram import NGramConfig, NGramModel
from helpers.models.transformer import Transformer, TransformerConfig

CONFIGS = {"transformer": TransformerConfig, "lstm": LSTMConfig, "ngram": NGramConfig}
MODELS = {"transformer": Transformer, "lstm": LSTMModel, "ngram": NGramModel}


def build_model(kind: str, **config):
    """A model of ``kind`` ("transformer", "lstm" or "ngram") with that configuration.

    Example: ``build_model("transformer", vocab_size=210, n_layer=2)``
    """
    if kind not in MODELS:
        raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODELS)}")
    return MODELS[kind](CONFIGS[kind](**config))
