"""Helpers for the course on symbolic music generation with PyTorch.

One module per topic, each named for what it does:

* ``helpers.notes``     - the one representation (NoteSequence); MIDI/ABC/MusicXML in, MIDI out
* ``helpers.music``     - pitch names, beats and seconds, transpose, tempo, quantize (lesson 1)
* ``helpers.pianoroll`` - piano-roll plots, ``ax=None`` in, ``(fig, ax)`` out
* ``helpers.playback``  - an audio player in the notebook that is never silent
* ``helpers.corpus``    - the folk corpus and chorales, built from the installed music21 package (lesson 2)
* ``helpers.dataset``   - filter, find duplicates, split without leakage, transpose (lesson 2)
* ``helpers.folder``    - load any folder of MIDI files, with a report of skipped files
* ``helpers.lakh``      - the Lakh MIDI Dataset by genre (lesson 2)
* ``helpers.tokenizers``- positions, events and melody-grid tokenizers (lesson 3)
* ``helpers.models``, ``helpers.training``, ``helpers.sampling``, ``helpers.checkpoints``
                          - n-gram, LSTM and Transformer; one training loop; one sampler
* ``helpers.check``     - ``check("exercise-id", your_answer)`` for the exercises
* ``helpers.doctor``    - the environment check (``python -m helpers doctor``)
* ``helpers.exercises`` - builds exercises/ from solutions/
* ``helpers.course``    - the lesson list, the GitHub location, Colab badges
* ``helpers.paths``     - where examples and caches live

Importing ``helpers`` is fast: heavy libraries (torch, note-seq, matplotlib)
load when a function first needs them.
"""

__version__ = "0.1.0"
