"""Reading the bytes of a standard MIDI file safely, before pretty_midi turns them into notes.

A MIDI file is a series of chunks: a header chunk ``MThd`` (format, number of
tracks, timing), then one ``MTrk`` chunk per track. Real-world files break in
many ways, and the parsers (mido, then pretty_midi) report them in their own
words ("max() arg is an empty sequence", "float division by zero"). This
module checks the bytes first, so that every refusal is a sentence a learner
understands, and it reads two things the parsers get wrong:

* chunks of an unknown kind (a sequencer's private data) are skipped, as the
  MIDI standard says readers must do; mido refuses them;
* SMPTE timing (the header counts frames per second instead of ticks per
  beat) is read as time in seconds; pretty_midi computes negative times.

:func:`helpers.notes.midi_bytes_to_sequence` calls :func:`parse`; you
rarely need this module directly.
"""

import io
import struct
import warnings

from helpers.errors import ReadError

# Larger files are refused: reading one costs about 150 times its size in memory
# (benchmarks/reading.py: 290 MB and 14 s for a file of 2 MB of note events).
MAX_MIDI_BYTES = 2 * 1024 * 1024
MAX_TICK = 1e7   # pretty_midi's own limit: a file with a later event is corrupt
SMPTE_FPS = {24: 24.0, 25: 25.0, 29: 29.97, 30: 30.0}  # frames per second (29: "30 drop-frame")

# What mido's and pretty_midi's messages mean, in words (matched as substrings).
EXPLANATIONS = {
    "data byte must be in range 0..127": "a note or controller value is above 127, which MIDI "
                                         "does not allow (data byte must be in range 0..127)",
    "undefined status byte": "an event starts with a byte that is no MIDI event type",
    "running status without last_status": "a track starts with a value where an event type "
                                          "should be",
    "exceeds maximum length": "a meta or system-exclusive event claims an impossible length",
    "Could not decode key": "a key signature names a key that does not exist",
}


def _header(data: bytes, source) -> tuple[int, int, int, int]:
    """(format, number of tracks, division, where the first chunk after the header starts)."""
    if len(data) == 0:
        raise ReadError(source, "the file is empty (0 bytes)")
    if data[:4] != b"MThd":
        raise ReadError(source, f"not a MIDI file: it should start with b'MThd' but starts "
                                f"with {data[:8]!r}")
    if len(data) < 14:
        raise ReadError(source, "corrupt MIDI: the file ends inside its 14-byte header "
                                "(a truncated file?)")
    size = struct.unpack(">I", data[4:8])[0]
    fmt, tracks, division = struct.unpack(">HHH", data[8:14])
    return fmt, tracks, division, 8 + max(size, 6)


def too_big(size: int) -> str:
    """The reason a MIDI file of ``size`` bytes is refused (above :data:`MAX_MIDI_BYTES`).

    Example: ``too_big(5 * 2**20)`` -> ``"the file is 5.0 MB; the course reads MIDI files up to 2 MB..."``
    """
    return (f"the file is {size / 2**20:.1f} MB; the course reads MIDI files up to "
            f"{MAX_MIDI_BYTES / 2**20:.0f} MB, because reading one takes about 150 times its "
            "size in memory (raise helpers.midi_file.MAX_MIDI_BYTES to read it anyway)")


def check_header(data: bytes, source="<bytes>") -> None:
    """Refuse data that is empty, not MIDI, too big, or whose header has no tracks or no timing.

    Example: ``check_header(b"")`` raises ``ReadError(..., "the file is empty (0 bytes)")``
    """
    _, tracks, division, _ = _header(data, source)
    if len(data) > MAX_MIDI_BYTES:
        raise ReadError(source, too_big(len(data)))
    if tracks == 0:
        raise ReadError(source, "the header says the file holds 0 tracks, so there is no music "
                                "in it")
    if division == 0:
        raise ReadError(source, "the header says 0 ticks per beat, so no event can be placed "
                                "in time")
    if division & 0x8000:
        fps_code, ticks_per_frame = -struct.unpack(">b", data[12:13])[0], data[13]
        if fps_code not in SMPTE_FPS or ticks_per_frame == 0:
            raise ReadError(source, f"the header uses SMPTE timing with {fps_code} frames per "
                                    f"second and {ticks_per_frame} ticks per frame; only 24, 25, "
                                    "29.97 or 30 frames and at least 1 tick per frame make sense")


def without_unknown_chunks(data: bytes, source="<bytes>") -> bytes:
    """The header and the track chunks (``MTrk``) of ``data``, without chunks of other kinds.

    The MIDI standard asks readers to skip chunks they do not know; mido
    stops at them. Returns ``data`` itself when there is nothing to skip.
    Example: ``without_unknown_chunks(header + xfih_chunk + track)`` -> ``header + track``
    """
    _, tracks, _, start = _header(data, source)
    kept, skipped, position = [data[:start]], False, start
    while position + 8 <= len(data) and len(kept) <= tracks:
        name = data[position:position + 4]
        end = position + 8 + struct.unpack(">I", data[position + 4:position + 8])[0]
        if name == b"MTrk":
            kept.append(data[position:end])  # a short last chunk stays short: "truncated" below
        else:
            skipped = True
        position = end
    return b"".join(kept) if skipped else data


def _read_smpte_as_seconds(midi, data: bytes) -> None:
    """Turn SMPTE timing into ticks per beat with a fixed tempo that gives the same seconds.

    With 25 frames of 40 ticks, 1,000 ticks are one second: the file becomes
    1,000 ticks per beat at 60 beats per minute. Tempo events do not change
    time in an SMPTE file, so all of them are set to that tempo.
    """
    fps = SMPTE_FPS[-struct.unpack(">b", data[12:13])[0]]
    midi.ticks_per_beat = round(fps) * data[13]
    tempo = round(1_000_000 * round(fps) / fps)  # microseconds per beat
    for track in midi.tracks:
        for message in track:
            if message.type == "set_tempo":
                message.tempo = tempo
    import mido

    midi.tracks[0].insert(0, mido.MetaMessage("set_tempo", tempo=tempo, time=0))


def _check_events(midi, source) -> None:
    """Refuse no tracks, a tempo of 0, and events so late that pretty_midi's time table is huge."""
    if not midi.tracks:  # the header's count, read as a signed number, was not positive
        raise ReadError(source, "no track could be read: the header's track count is not a "
                                "positive number")
    for track in midi.tracks:
        if any(m.type == "set_tempo" and m.tempo == 0 for m in track):
            raise ReadError(source, "a tempo event says 0 microseconds per beat, an infinitely "
                                    "fast tempo, so the notes after it have no time in seconds")
        last_tick = sum(m.time for m in track)
        if last_tick >= MAX_TICK:
            raise ReadError(source, f"corrupt MIDI: an event lies at tick {last_tick:,}, beyond "
                                    f"the {MAX_TICK:,.0f} ticks the course reads, so the file is "
                                    "likely corrupt (a damaged delta time?)")


def _explain(err: Exception) -> str:
    text = str(err)
    for words, meaning in EXPLANATIONS.items():
        if words in text:
            return f"corrupt MIDI: {meaning}"
    return f"corrupt MIDI: the reader stopped with {type(err).__name__}: {text}"


def parse(data: bytes, source="<bytes>"):
    """Parse MIDI bytes into a ``pretty_midi.PrettyMIDI``, or raise ReadError in plain words.

    Example: ``parse(Path("song.mid").read_bytes(), "song.mid").instruments``
    """
    import mido
    import pretty_midi

    check_header(data, source)
    data = without_unknown_chunks(data, source)
    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except EOFError as err:
        raise ReadError(source, "corrupt MIDI: the data ends in the middle of a track "
                                "(a truncated file?)") from err
    except Exception as err:  # mido raises OSError, ValueError, KeyError ...
        raise ReadError(source, _explain(err)) from err
    if data[12] & 0x80:
        _read_smpte_as_seconds(midi, data)  # first: it replaces every tempo
    _check_events(midi, source)
    pretty_midi.pretty_midi.MAX_TICK = MAX_TICK
    try:
        with warnings.catch_warnings():
            # pretty_midi warns about odd but readable files (tempo events on
            # non-zero tracks); those are not errors.
            warnings.simplefilter("ignore")
            return pretty_midi.PrettyMIDI(mido_object=midi)
    except Exception as err:
        raise ReadError(source, _explain(err)) from err
