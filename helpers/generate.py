"""From a model to music: generate pieces, continue a primer, write MIDI files (lessons 4, 5, 8).

:func:`helpers.sampling.sample` works on token ids. This module wraps it for
music:

* :func:`generate` - new pieces from BOS (lesson 4);
* :func:`continue_primer` - the first ``n_notes`` of a primer (a corpus tune,
  a MIDI file, a NoteSequence) as the prompt, then the model's continuation,
  at one or several temperatures with fixed seeds (lesson 5);
* :func:`save_pieces` - MIDI files under a chosen folder, with file names that
  cannot escape it (lessons 4 and 5).

Sampling is constrained by the tokenizer's grammar (:mod:`helpers.tokenizers.grammar`)
unless ``grammar=False``, so every piece decodes to exactly what the model
wrote.
"""

from dataclasses import dataclass
from pathlib import Path

from helpers.tokenizers.grammar import grammar_for
from helpers.filenames import safe_filename
from helpers.sampling import sample
from helpers.tokenizers.vocab import BOS_ID, EOS_ID


@dataclass
class Continuation:
    """A primer and what the model wrote after it, as one piece."""

    piece: object           # NoteSequence: the primer's notes, then the continuation's
    prompt_end: float       # seconds: where the primer ends (the piano-roll marker)
    temperature: float
    seed: int
    new_tokens: int         # tokens the model wrote


def generate(model, tokenizer, n_tokens: int = 256, *, n_pieces: int = 1, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, seed: int | None = 0,
             qpm: float = 120.0, conditions=(), grammar: bool = True) -> list:
    """``n_pieces`` new pieces (NoteSequences), each at most ``n_tokens`` tokens long.

    Sampling starts from BOS and the ``conditions`` tokens (lesson 9), which
    stay in view when a long piece outgrows the model's context; it stops at
    EOS, and follows the tokenizer's grammar unless ``grammar=False``.
    Example: ``generate(model, tokenizer, 256, n_pieces=4, temperature=0.9, seed=1)``
    """
    prompt = [BOS_ID] + tokenizer.condition_ids(conditions)
    new = sample(model, prompt, n_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                 n_pieces=n_pieces, seed=seed, eos_id=EOS_ID,
                 allowed=grammar_for(tokenizer) if grammar else None,
                 keep_prefix=len(prompt) if conditions else 0)
    return [tokenizer.decode(prompt + ids, qpm=qpm) for ids in new]


def primer_ids(tokenizer, primer, n_notes: int) -> tuple[list[int], float]:
    """The token ids of the first ``n_notes`` notes of ``primer`` (no EOS), and its tempo.

    ``primer`` is a NoteSequence, a MIDI/ABC/MusicXML file path, or a corpus
    id such as ``"oneills/0001-0050/0001"``. The notes are first made representable
    (``tokenizer.prepare``: on the grid, in range, one voice for the melody
    scheme); "first" means by onset, then pitch.

    Example: ``prompt, qpm = primer_ids(tokenizer, "oneills/0550-0625/0016", 12)``
    """
    from helpers.music import tempo

    piece = _load_primer(primer)
    if not (isinstance(n_notes, int) and n_notes >= 1):
        raise ValueError(f"n_notes must be a whole number >= 1, not {n_notes!r}")
    prepared = tokenizer.prepare(piece)
    if not len(prepared.notes):
        raise ValueError(f"the primer {_describe(primer)} has no notes the tokenizer can use "
                         f"(pitch range {tokenizer.pitch_range}, drums skipped)")
    keep = sorted(prepared.notes, key=lambda n: (n.start_time, n.pitch))[:n_notes]
    del prepared.notes[:]
    prepared.notes.extend(keep)
    ids = tokenizer.encode(prepared)
    return ids[:-1], tempo(piece)   # without EOS: the piece goes on


def continue_primer(model, tokenizer, primer, n_notes: int = 16, n_tokens: int = 128, *,
                    temperatures=(1.0,), seed: int = 0, top_k: int | None = None,
                    top_p: float | None = None, grammar: bool = True) -> list[Continuation]:
    """Continue the first ``n_notes`` of ``primer``, once per temperature; a list of Continuations.

    Each temperature uses the same ``seed``, so the runs differ only by the
    temperature. A primer longer than the model's context is refused: the
    model could not read all of it (use fewer notes).

    Example: ``continue_primer(model, tokenizer, "twinkle.mid", n_notes=8, temperatures=(0.7, 1.3))``
    """
    prompt, qpm = primer_ids(tokenizer, primer, n_notes)
    context = getattr(model, "context", None)
    if context and len(prompt) > context - 1:
        raise ValueError(f"the first {n_notes} notes of the primer are {len(prompt)} tokens, but "
                         f"the model reads at most {context - 1} before writing; use fewer notes")
    prompt_piece = tokenizer.decode(prompt, qpm=qpm)
    prompt_end = max((n.end_time for n in prompt_piece.notes), default=0.0)
    allowed = grammar_for(tokenizer) if grammar else None
    results = []
    for temperature in temperatures:
        new = sample(model, prompt, n_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                     seed=seed, eos_id=EOS_ID, allowed=allowed)[0]
        piece = tokenizer.decode(prompt + new, qpm=qpm)
        results.append(Continuation(piece, prompt_end, temperature, seed, len(new)))
    return results


def plot_continuations(continuations: list, **kwargs):
    """Piano rolls of continuations side by side, each marking where its primer ends; ``(fig, axes)``.

    Example: ``fig, axes = plot_continuations(continue_primer(model, tokenizer, tune))``
    """
    from helpers.pianoroll import plot_pianorolls

    return plot_pianorolls([c.piece for c in continuations],
                           [f"temperature {c.temperature:g}" for c in continuations],
                           markers=[c.prompt_end for c in continuations], **kwargs)


def save_pieces(pieces: list, folder, name: str = "piece") -> list[Path]:
    """Write each piece to ``folder/<name>-<i>.mid``; returns the paths.

    ``name`` may come from a learner or a web form: it is passed through
    :func:`safe_filename`, and each path is checked to lie inside ``folder``.

    Example: ``save_pieces(pieces, "output/lesson4", name="folk")`` -> ``[.../folk-1.mid, ...]``
    """
    from helpers.notes import save_midi

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    base = safe_filename(name)
    paths = []
    for i, piece in enumerate(pieces, start=1):
        path = folder / f"{base}-{i}.mid"
        if path.resolve().parent != folder.resolve():
            raise ValueError(f"refusing to write {path}: it is not inside {folder}")
        paths.append(save_midi(piece, path))
    return paths


def _load_primer(primer):
    from helpers.notes import as_sequence

    if isinstance(primer, str) and "/" in primer and not Path(primer).suffix:
        from helpers.corpus import load_piece
        return load_piece(primer)            # a corpus id like "oneills/0001-0050/0001"
    # a NoteSequence, or a file: ReadError naming it if unreadable
    return as_sequence(primer, "primer (or a corpus id such as 'oneills/0001-0050/0001')")


def _describe(primer):
    return repr(str(primer)) if isinstance(primer, (str, Path)) else "(a NoteSequence)"
