"""Sampling from a sequence model: temperature, top-k, top-p, several pieces at once.

One function, :func:`sample`, serves every model of the course (n-gram, LSTM,
Transformer) and every lesson that generates (4, 5, 6, 7, 8, 12). It feeds the
prompt once, then one token at a time using the model's cache, so a
Transformer does not recompute the whole context for every new token.

Arguments are checked up front with errors that say what is allowed, and an
optional ``allowed`` function (from a tokenizer) masks the tokens that would
make the output impossible to decode. ``guidance`` (lesson 9) strengthens what
the prompt's first tokens ask for, by running the same piece a second time
without them and pushing the next-token logits away from that run.
"""

import numbers

import torch


def guided_logits(prompted: torch.Tensor, free: torch.Tensor, guidance: float) -> torch.Tensor:
    """Classifier-free guidance (lesson 9): ``free + guidance * (prompted - free)``, a new tensor.

    ``prompted`` and ``free`` are the next-token logits of the same piece
    read with and without the prompt's conditions; 1 gives ``prompted``, 0 ``free``.
    Example: ``guided_logits(torch.tensor([2.0, 0.0]), torch.tensor([1.0, 1.0]), 2.0)`` -> ``tensor([3., -1.])``
    """
    return free + guidance * (prompted - free)


def check_sampling_args(temperature: float, top_k: int | None, top_p: float | None,
                        vocab_size: int) -> None:
    """Raise ValueError for settings that have no meaning.

    Example: ``check_sampling_args(0, None, None, 210)`` -> ValueError: temperature must be greater than 0
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be greater than 0, not {temperature}; "
                         "for always the most likely token use top_k=1")
    if top_k is not None and not (isinstance(top_k, int) and 1 <= top_k <= vocab_size):
        raise ValueError(f"top_k must be a whole number from 1 to the vocabulary size "
                         f"({vocab_size}), or None; got {top_k!r}")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], or None; got {top_p!r}")


def filter_logits(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None) -> torch.Tensor:
    """Scale by temperature and keep only the top-k / top-p (nucleus) tokens.

    ``logits`` is (batch, vocab); removed tokens get -inf, so softmax gives them 0.
    Example: ``filter_logits(torch.log(torch.tensor([[0.5, 0.3, 0.2]])), top_k=2)`` -> ``[[-0.69, -1.20, -inf]]``
    """
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        probs = torch.softmax(sorted_logits, dim=-1)
        # drop a token when the tokens before it already cover top_p
        drop = probs.cumsum(dim=-1) - probs >= top_p
        logits = logits.masked_fill(drop.scatter(1, order, drop), float("-inf"))
    return logits


def sample(model, prompt: list[int], n_tokens: int, *, temperature: float = 1.0,
           top_k: int | None = None, top_p: float | None = None, n_pieces: int = 1,
           seed: int | None = None, eos_id: int | None = None, allowed=None,
           vocab_size: int | None = None, use_cache: bool = True,
           threads: int | None = None, keep_prefix: int = 0, guidance: float = 1.0,
           unprompted: list[int] | None = None) -> list[list[int]]:
    """Generate ``n_pieces`` continuations of ``prompt`` (a list of token ids).

    Returns a list of ``n_pieces`` lists of new token ids (the prompt is not
    repeated). A piece stops at ``eos_id`` (included) or after ``n_tokens``.
    ``allowed(history) -> bool tensor (vocab,)`` may forbid tokens, e.g. those a
    tokenizer could not decode at this point. ``seed`` makes the result repeat.

    A prompt longer than the model's context is cut to its last tokens; past
    the context, generation restarts from the last half of it, so the start
    of the piece falls out of view, BOS and time signature included, unless
    ``keep_prefix`` says how many of the prompt's first tokens (e.g. BOS and
    the conditioning tokens of lesson 9) stay in every window.
    ``guidance`` (classifier-free guidance; Ho & Salimans 2022, for language
    models Sanchez et al. 2023): the model also reads ``unprompted``, the
    prompt without its conditions (e.g. just ``[BOS]``), and every token is
    drawn from ``free + guidance * (prompted - free)``, the logits of the two
    runs. 1 is plain sampling; above 1 the conditions count for more. It
    needs a model trained with its conditions sometimes dropped, and costs a
    second pass per token.
    ``use_cache=False`` runs the whole context again for every token, as a
    model without a cache must (lesson 8 times the difference).
    ``threads``: CPU threads while sampling; by default one for fewer than
    :data:`BATCH_FOR_THREADS` pieces (a one-token step is ~100 tiny operations
    that a second thread cannot share, and that contend with any other job),
    torch's setting otherwise. The setting is restored afterwards.

    Example: ``sample(model, [BOS_ID], 64, temperature=0.9, seed=0)`` -> ``[[4, 26, 120, ...]]``
    """
    vocab_size = vocab_size or model.config.vocab_size
    check_sampling_args(temperature, top_k, top_p, vocab_size)
    if not prompt:
        raise ValueError("the prompt is empty: start it with the tokenizer's BOS token at least")
    if n_tokens < 1 or n_pieces < 1:
        raise ValueError(f"n_tokens and n_pieces must be at least 1, got {n_tokens} and {n_pieces}")
    device = next(model.parameters(), torch.empty(0)).device
    before = torch.get_num_threads()
    torch.set_num_threads(threads or decoding_threads(n_pieces, device))
    try:
        with torch.inference_mode():
            return _sample(model, prompt, n_tokens, temperature, top_k, top_p, n_pieces, seed,
                           eos_id, allowed, use_cache, device, keep_prefix,
                           _check_guidance(guidance, unprompted))
    finally:
        torch.set_num_threads(before)


BATCH_FOR_THREADS = 8   # from this many pieces at once, torch's own thread count pays off


def decoding_threads(n_pieces: int, device) -> int:
    """The CPU threads :func:`sample` uses by default: 1 for a small batch, else torch's setting.

    Example: ``decoding_threads(1, torch.device("cpu"))`` -> ``1``
    """
    if torch.device(device).type != "cpu" or n_pieces >= BATCH_FOR_THREADS:
        return torch.get_num_threads()
    return 1


def _check_guidance(guidance, unprompted):
    """``(unprompted, guidance)`` for the guided run, checked; None when ``guidance`` is 1."""
    if isinstance(guidance, bool) or not isinstance(guidance, numbers.Real) or not guidance >= 0:
        raise ValueError(f"guidance must be a number from 0 up (1 = plain sampling), not {guidance!r}")
    if guidance == 1:
        return None
    if not unprompted:
        raise ValueError("guidance other than 1 needs `unprompted`: the prompt without its "
                         "conditions, e.g. [BOS_ID]")
    return list(unprompted), guidance


def _sample(model, prompt, n_tokens, temperature, top_k, top_p, n_pieces, seed, eos_id, allowed,
            use_cache, device, keep_prefix, guide=None):
    if not 0 <= keep_prefix <= len(prompt) or (model.context and keep_prefix > model.context // 2):
        raise ValueError(f"keep_prefix must be between 0 and the prompt's length ({len(prompt)}), "
                         f"and at most half the model's context; got {keep_prefix}")
    model.eval()
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    run = _Run(model, prompt, n_pieces, device, use_cache, keep_prefix)
    if guide:   # the same pieces without the conditions: only BOS stays in view
        unprompted, guidance = guide
        free = _Run(model, unprompted, n_pieces, device, use_cache, min(keep_prefix, 1))
    ends = [None] * n_pieces   # where each piece stopped (just after its EOS)
    for _ in range(n_tokens):
        logits = run.logits.float()
        if guide:
            logits = guided_logits(logits, free.logits.float(), guidance)
        next_ids = _draw(logits, run.history, allowed, temperature, top_k, top_p, generator)
        for b, token in enumerate(next_ids):
            if ends[b] is None and token == eos_id:
                ends[b] = len(run.history[b]) + 1
        run.add(next_ids)   # finished pieces go on too, so the batch stays square
        if all(end is not None for end in ends):
            break
        run.advance(next_ids)
        if guide:
            free.add(next_ids)
            free.advance(next_ids)
    return [h[len(prompt):end] for h, end in zip(run.history, ends)]


class _Run:
    """A batch of histories fed through the model: its cache and the last position's logits."""

    def __init__(self, model, prompt, n_pieces, device, use_cache, prefix):
        self.model, self.device, self.use_cache, self.prefix = model, device, use_cache, prefix
        self.history = [list(prompt) for _ in range(n_pieces)]
        self.logits, self.cache, self.filled = _prefill(model, self.history, device,
                                                        cached=use_cache, prefix=prefix)

    def add(self, next_ids):
        for history, token in zip(self.history, next_ids):
            history.append(token)

    def advance(self, next_ids):
        if self.use_cache:
            self.logits, self.cache, self.filled = _step(self.model, next_ids, self.cache, self.filled,
                                                         self.history, self.device, self.prefix)
        else:
            self.logits, self.cache, self.filled = _prefill(self.model, self.history, self.device,
                                                            cached=False, prefix=self.prefix)


def _draw(logits, history, allowed, temperature, top_k, top_p, generator):
    """One token per piece from the last position's logits (grammar, then temperature/top-k/top-p)."""
    if allowed is not None:   # first the grammar, so top-k and top-p choose among allowed tokens
        mask = torch.stack([allowed(h) for h in history]).to(logits.device)
        logits = logits.masked_fill(~mask, float("-inf"))
    logits = filter_logits(logits, temperature, top_k, top_p)
    probs = torch.softmax(logits, dim=-1).cpu()
    return torch.multinomial(probs, 1, generator=generator).squeeze(1).tolist()


def _prefill(model, history, device, keep=None, cached=True, prefix=0):
    """Run a window of each history through the model, into a new cache.

    The window is the last ``keep`` tokens (at most the context - 1), after
    the history's first ``prefix`` tokens when it is too long to fit whole.
    Returns the last position's logits, the cache (None when not ``cached``),
    and how many positions the cache holds.
    """
    context = model.context
    keep = keep or (context - 1 if context else None)
    window = torch.tensor([_window(h, keep, prefix) for h in history], device=device)
    logits, cache = model(window, model.new_cache(len(window)) if cached else None)
    return logits[:, -1], cache, window.shape[1]


def _window(history, keep, prefix):
    """The last ``keep`` tokens of ``history``, its first ``prefix`` tokens first when they fall out."""
    if not keep or len(history) <= keep:
        return history
    return history[:prefix] + history[len(history) - keep + prefix:]


def _step(model, next_ids, cache, filled, history, device, prefix):
    """Feed one token per piece; when a Transformer's context is full, restart from half of it.

    Restarting costs one pass over half the context, then the cache is used
    again for the next context/2 tokens.
    """
    context = model.context
    if context and filled >= context:
        return _prefill(model, history, device, keep=context // 2, prefix=prefix)
    logits, cache = model(torch.tensor(next_ids, device=device).unsqueeze(1), cache)
    return logits[:, -1], cache, filled + 1
