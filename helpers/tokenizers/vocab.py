"""A vocabulary: the list of token names, where a token's id is its place in the list.

Every tokenizer of the course starts its vocabulary with the same three special
tokens, so that their ids never change:

* ``PAD`` (id 0) fills the end of short sequences in a batch;
* ``BOS`` (id 1) begins every encoded piece ("beginning of sequence");
* ``EOS`` (id 2) ends it ("end of sequence").

A token name is ``KIND`` or ``KIND_value``, e.g. ``BAR``, ``NOTE_ON_60``,
``TIMESIG_6/8``: :func:`split_token` reads it back into its kind and value.
"""

import numbers

PAD, BOS, EOS = "PAD", "BOS", "EOS"
SPECIAL_TOKENS = (PAD, BOS, EOS)
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2


class Vocab:
    """Token names <-> ids. ``vocab.names(ids)`` makes a sequence readable."""

    def __init__(self, names):
        self._names = list(names)
        self._ids = {name: i for i, name in enumerate(self._names)}
        if len(self._ids) != len(self._names):
            seen = set()
            twice = [n for n in self._names if n in seen or seen.add(n)]
            raise ValueError(f"a vocabulary lists each token once; repeated: {twice}")

    def __len__(self):
        return len(self._names)

    def __contains__(self, name):
        return name in self._ids

    def __eq__(self, other):
        return isinstance(other, Vocab) and self._names == other._names

    def __repr__(self):
        return f"Vocab({len(self)} tokens: {', '.join(self._names[:6])}, ...)"

    def to_list(self) -> list[str]:
        """All token names, in id order (a copy). Example: ``vocab.to_list()[:3]`` -> ``['PAD', 'BOS', 'EOS']``"""
        return list(self._names)

    def id(self, name: str) -> int:
        """The id of one token name; KeyError names the unknown token. Example: ``vocab.id("BOS")`` -> ``1``"""
        try:
            return self._ids[name]
        except KeyError:
            raise KeyError(f"{name!r} is not in the vocabulary ({len(self)} tokens)") from None

    def ids(self, names) -> list[int]:
        """The ids of a list of token names. Example: ``vocab.ids(["BOS", "BAR"])`` -> ``[1, 3]``"""
        return [self.id(name) for name in names]

    def name(self, token_id: int) -> str:
        """The name of one id. Example: ``vocab.name(2)`` -> ``'EOS'``"""
        return self._names[self.check_ids([token_id])[0]]

    def names(self, ids) -> list[str]:
        """The names of a list of ids: what a sequence of numbers says, in words.

        Example: ``vocab.names([1, 3])`` -> ``['BOS', 'BAR']``
        """
        names = self._names
        return [names[i] for i in self.check_ids(ids)]

    def check_ids(self, ids) -> list[int]:
        """Return ``ids`` as a list of Python ints, or raise a clear error.

        Accepts a list, a numpy array or a 1-D torch tensor. A non-integer
        raises TypeError; an id below 0 or not below the vocabulary size raises
        ValueError. Both messages name the offending id and its position.
        """
        if hasattr(ids, "tolist"):  # numpy arrays and torch tensors
            ids = ids.tolist()
        ids = list(ids)
        size = len(self._names)
        # the usual case, checked quickly: plain ints, all in range
        if all(type(i) is int for i in ids) and (not ids or (min(ids) >= 0 and max(ids) < size)):
            return ids
        checked = []
        for position, token_id in enumerate(ids):
            if isinstance(token_id, bool) or not isinstance(token_id, numbers.Integral):
                raise TypeError(f"token ids are whole numbers; item {position} is {token_id!r} "
                                f"({type(token_id).__name__})")
            token_id = int(token_id)  # e.g. a numpy integer
            if not 0 <= token_id < size:
                raise ValueError(f"token id {token_id} (item {position}) is not in the vocabulary: "
                                 f"its {size} tokens have ids 0 to {size - 1}")
            checked.append(token_id)
        return checked


def split_token(name: str) -> tuple:
    """``"NOTE_ON_60"`` -> ``("NOTE_ON", 60)``; ``"BAR"`` -> ``("BAR", None)``.

    The value is the part after the last underscore: an int when it is a
    number, else the text (``"TIMESIG_6/8"`` -> ``("TIMESIG", "6/8")``).
    A name without a value (``BAR``, ``HOLD``, ``PAD``) has value None.
    """
    kind, _, value = name.rpartition("_")
    if not kind or not value:
        return name, None
    return kind, int(value) if value.isdigit() else value
