"""The course's corpus: about 11,350 folk tunes and 365 Bach chorales.

Lesson 2 (``notebooks/easy/02_building_a_dataset.ipynb``) explores it, and
the later lessons train on it. The music comes from the corpus that ships
inside the music21 package, read from where music21 is installed (the Essen
licence allows use within music21 only, so the files are never copied):

* ``essenFolksong/*.abc``: the Essen folk songs (German, Chinese and other
  European songs; region in ``O:``, song type in ``R:``);
* ``oneills1850/*.abc``: O'Neill's *Music of Ireland* (1903), whose 1,850
  numbered airs and dance tunes give the folder its name; music21 ships some
  twice, and each is read once (``sources``);
* ``ryansMammoth/*.abc``: Ryan's Mammoth Collection (1883), reels, jigs,
  hornpipes, ...;
* ``bach/*.mxl``: the Bach chorales with exactly four parts (soprano, alto,
  tenor, bass).

The notes are the written ones, on the written bars: grace notes and the
ornaments abc2midi would play (trills, rolls, fermatas) are left out, and a
piece that opens with a pickup starts with the rest of an incomplete bar 0,
so that its first full bar starts on a bar line (the ``pickup`` column).

:func:`build_corpus` parses everything once (20 to 40 seconds on 2 cores)
and keeps the result in ``cache_dir() / "corpus"``:

* ``pieces.csv``: one row per piece (:data:`COLUMNS`), read by :func:`corpus_table`;
* ``notes.npz``: every note of every piece as flat integer arrays, times in
  ticks at 480 per quarter note, read by :func:`corpus_arrays`;
* ``failures.csv``: the tunes that could not be read, and why;
* ``manifest.json``: versions, counts and timings; the cache is rebuilt when
  :data:`FORMAT_VERSION` or the music21 version changes.

ABC tunes are parsed with symusic (about 18 times faster than music21's own
parser, see ``benchmarks/corpus_build.py``), MusicXML with note-seq, in
parallel worker processes. No pickle touches the disk: CSV, JSON and ``.npz``
loaded with ``allow_pickle=False``.

The modules, in the order the data flows:

* ``sources``: which files are read, which repeated tunes are skipped;
* ``abc_fields``: tunes and header fields, the table's metadata columns;
* ``abc_cleaning``: grace notes, ornaments and ``%%MIDI`` lines removed;
* ``abc_parse``: symusic and abc2midi, bar lines, the folk worker;
* ``chorales``: the MusicXML worker;
* ``bars``: pickups at the end of bar 0, bar lines off the grid;
* ``build``: the workers, the cache files, the manifest, ``python -m helpers data``;
* ``cache``: reading it back (:func:`corpus_table`, :func:`load_piece`, ...);
* ``layout``: the folder, columns and arrays they share.
"""

from helpers.corpus.abc_cleaning import strip_midi_directives, strip_ornaments
from helpers.corpus.abc_fields import (CONTINENTS, DANCE_TYPES, MODE_NAMES, ONEILLS_SECTIONS,
                                             TYPE_SYNONYMS, clean_field, clean_key, clean_meter,
                                             country_of, header_fields, normalise_type,
                                             oneills_section, split_tunes, tune_number, tune_row,
                                             tune_type, type_from_title)
from helpers.corpus.abc_parse import (BAR_DRUM, captured_output, parse_abc_file,
                                            parse_abc_tune, take_output, with_bar_drum)
from helpers.corpus.bars import align_to_bars, bar_ticks, bars_off_grid, pickup_ticks
from helpers.corpus.build import (build_corpus, built_version, corpus_version, data_command,
                                        flat_arrays, is_fresh, read_manifest, run_tasks,
                                        summary_line, version_of, write_data)
from helpers.corpus.cache import (corpus_arrays, corpus_failures, corpus_table, load_piece,
                                        load_pieces, piece_arrays, piece_sequence)
from helpers.corpus.chorales import (MAJOR_KEYS, MINOR_KEYS, chorale_notes, chorale_tasks,
                                           main_meter, musicxml_bar_lines, musicxml_key,
                                           musicxml_text, parse_chorale)
from helpers.corpus.layout import (COLLECTIONS, COLUMNS, FOLK_COLLECTIONS, FOLK_FOLDERS,
                                         FORMAT_VERSION, NOTE_ARRAYS, TPQ, VOICES, concat,
                                         corpus_dir, note_stats, sort_notes)
from helpers.corpus.sources import (ONEILLS_REPEATED_FILES, ONEILLS_REPEATED_TUNES, folk_files,
                                          folk_tasks, library_versions, music21_corpus_dir,
                                          repeat_reason, repeated_tunes)
