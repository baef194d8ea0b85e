"""Helpers for the course on symbolic music generation with PyTorch.

One module per topic, in the order the lessons meet them:

* ``helpers.notes``      - the one representation (NoteSequence); MIDI/ABC/MusicXML in, MIDI out (lesson 0);
  ``helpers.midi_file`` reads MIDI bytes and explains what is wrong with a damaged file
* ``helpers.music``      - pitch names, beats and seconds, tempo maps, transpose, quantize (lesson 1)
* ``helpers.pianoroll``  - piano-roll plots with bar and beat lines, ``ax=None`` in, ``(fig, ax)`` out
  (``helpers.meter`` says where bars and beats fall; ``helpers.pianoroll_draw`` draws)
* ``helpers.playback``   - an audio player in the notebook that is never silent; ``play_all`` to compare pieces
  (``helpers.audio_backends`` and ``helpers.synth`` make the sound, ``helpers.filenames`` names the downloads)
* ``helpers.corpus``     - the folk tunes and chorales, built from the installed music21 package (lesson 2)
* ``helpers.dataset``    - filter, find duplicates, split without leakage, transpose (lesson 2)
* ``helpers.folder``     - load any folder of MIDI files, with a report of skipped files (lesson 2)
* ``helpers.lakh``       - the Lakh MIDI Dataset by genre (lesson 2)
* ``helpers.tokenizers`` - positions, events and melody-grid tokens, and their grammars (lesson 3)
* ``helpers.token_data`` - the folk corpus as token ids, split train / valid / test (lessons 6-8)
* ``helpers.models``     - n-gram, LSTM and Transformer (lessons 6, 7, 8)
* ``helpers.training``   - one training loop, ``TrainConfig``, and the bits-per-note yardstick (lessons 7, 8)
* ``helpers.sampling``   - one sampler: temperature, top-k, top-p, batches, seeds (lesson 4)
* ``helpers.generate``   - from a model to music: generate, continue a primer, save MIDI (lessons 4, 5)
* ``helpers.checkpoints``- safe checkpoints, and the shipped models (lessons 4-8)
* ``helpers.stats``      - statistics of real and generated music (lesson 4)
* ``helpers.check``      - ``check("exercise-id", your_answer)`` for the exercises
* ``helpers.doctor``     - the environment check (lesson 0, ``python -m helpers doctor``)
* ``helpers.errors``, ``helpers.paths`` - the course's error type; where files and caches live

Course tooling (the exercise builder, the README's course map, the example
files) is in ``helpers.course``; the command line is ``python -m helpers``.

Importing ``helpers`` is fast: heavy libraries (torch, note-seq, matplotlib)
load when a function first needs them.
"""

__version__ = "0.1.0"
