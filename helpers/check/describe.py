"""Values written out for hints: short, on one line, and complete when they are small.

A hint shows the input on which an answer failed, so a small piece is
written note by note (pitch, start-end in seconds, velocity, drum and
instrument), a small table row by row, a tensor as its numbers.
"""

from helpers.notes import is_sequence

LIMIT = 400  # characters at most for one value


def show(value, limit: int = LIMIT) -> str:
    """A one-line description of ``value`` for a hint, at most ``limit`` characters.

    Example: ``show(torch.tensor([0.5, 0.25]))`` -> ``"tensor([0.5, 0.25])"``
    """
    text = _describe(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_call(name: str, args: tuple, kwargs: dict | None = None) -> str:
    """``name(arg, arg, key=value)`` with each argument shown by :func:`show`.

    Example: ``show_call("transpose", (piece, 3))`` -> ``"transpose(piece(120 qpm; ...), 3)"``
    """
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


def show_note(note) -> str:
    """One note as ``pitch start-end s vVELOCITY`` (with drum and instrument when they matter).

    Example: ``show_note(seq.notes[0])`` -> ``"60 0-0.5s v80"``
    """
    extra = ""
    if note.is_drum:
        extra += f" drum(instrument {note.instrument})"
    elif note.instrument or note.program:
        extra += f" instrument {note.instrument} program {note.program}"
    return f"{note.pitch} {note.start_time:g}-{note.end_time:g}s v{note.velocity}{extra}"


def show_piece(seq, max_notes: int = 10) -> str:
    """A NoteSequence: its tempos, meters and (up to ``max_notes``) notes as stored.

    Example: ``show_piece(seq)`` -> ``"piece(90 qpm; 3/4; notes: 60 0-0.5s v80, 64 0.5-1s v70)"``
    """
    tempos = sorted((t.time, t.qpm) for t in seq.tempos)
    parts = []
    if tempos:
        first = f"{tempos[0][1]:g} qpm" + (f" from {tempos[0][0]:g}s" if tempos[0][0] else "")
        parts.append("; ".join([first] + [f"{q:g} qpm from {t:g}s" for t, q in tempos[1:]]))
    else:
        parts.append("no tempo")
    meters = [f"{ts.numerator}/{ts.denominator}" + (f" from {ts.time:g}s" if ts.time else "")
              for ts in seq.time_signatures]
    if meters:
        parts.append(", ".join(meters))
    notes = list(seq.notes)
    if not notes:
        parts.append("no notes")
    elif len(notes) <= max_notes:
        parts.append("notes: " + ", ".join(show_note(n) for n in notes))
    else:
        parts.append(f"{len(notes)} notes: " + ", ".join(show_note(n) for n in notes[:4]) + ", ...")
    return f"piece({'; '.join(parts)})"


def _describe(value) -> str:
    if is_sequence(value):
        return show_piece(value)
    kind = type(value).__module__.split(".")[0]
    if kind == "torch" and hasattr(value, "tolist"):
        return _show_tensor(value)
    if kind == "numpy" and hasattr(value, "tolist"):
        return f"numpy {'array' if getattr(value, 'ndim', 0) else type(value).__name__}({_round(value.tolist())!r})"
    if kind == "pandas" and hasattr(value, "to_dict"):
        return _show_table(value)
    if type(value).__name__ == "Note" and hasattr(value, "start_time"):
        return f"Note({show_note(value)})"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and value and all(_is_note(v) for v in value):
        return "[" + ", ".join(f"Note({show_note(v)})" for v in value) + "]"
    return repr(_round(value))


def _is_note(value) -> bool:
    return type(value).__name__ == "Note" and hasattr(value, "start_time")


def _round(value, digits: int = 4):
    """Floats rounded (inside lists, tuples and dicts) so that hints stay readable."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_round(v, digits) for v in value)
    if isinstance(value, dict) and type(value) is dict:
        return {k: _round(v, digits) for k, v in value.items()}
    return value


def _show_tensor(tensor) -> str:
    import torch

    dtype = "" if tensor.dtype in (torch.float32, torch.int64, torch.bool) else f", dtype={tensor.dtype}"
    if tensor.dtype == torch.bool:
        dtype = ", dtype=torch.bool"
    if tensor.numel() > 64:
        return f"tensor of shape {tuple(tensor.shape)}{dtype}"
    return f"tensor({_round(tensor.detach().cpu().tolist())}{dtype})"


def _show_table(table) -> str:
    if hasattr(table, "columns"):
        if len(table) > 8:
            return f"table with {len(table)} rows and columns {list(table.columns)}"
        rows = [{k: _round(v) for k, v in row.items()} for row in table.to_dict("records")]
        return f"table(index {list(table.index)}, rows {rows})"
    if len(table) > 12:
        return f"Series with {len(table)} values"
    return f"Series({_round(table.to_dict())})"
