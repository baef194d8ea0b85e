"""The lesson list and where the course lives on GitHub: the one source for both.

The GitHub location is written once, here (``GITHUB_REPO``, ``GITHUB_BRANCH``).
The README's course map (:mod:`helpers.course.readme`), the Colab badges and
every notebook's setup cell (:mod:`helpers.course.notebooks`) are generated
from this file.
"""

from dataclasses import dataclass

from helpers.paths import REPO_ROOT

GITHUB_REPO = "symbolic-music-course/course-kit"
GITHUB_BRANCH = "main"
COLAB_CHECKOUT = "/content/course-kit"


@dataclass(frozen=True)
class Lesson:
    number: int
    level: str          # "easy" or "medium"
    slug: str           # file name without .ipynb, e.g. "01_midi_and_notes"
    title: str
    minutes: int        # expected time for a learner
    learn: str          # what you learn, one line

    def path(self, kind):
        """Repository path of the lesson ("notebooks"), exercise or solution notebook."""
        if kind not in ("notebooks", "exercises", "solutions"):
            raise ValueError(f"kind must be notebooks, exercises or solutions, not {kind!r}")
        return f"{kind}/{self.level}/{self.slug}.ipynb"

    def exists(self):
        return all((REPO_ROOT / self.path(k)).exists() for k in ("notebooks", "exercises", "solutions"))


LESSONS = [
    Lesson(0, "easy", "00_getting_started", "Getting started", 15,
           "set up, check the environment, load a MIDI file, see and hear it, write one"),
    Lesson(1, "easy", "01_midi_and_notes", "MIDI and notes", 15,
           "pitch, velocity, seconds and beats, tempo, instruments and drums; "
           "build, transpose, stretch, quantize and save a melody"),
    Lesson(2, "easy", "02_building_a_dataset", "Building a dataset", 15,
           "explore the folk corpus, filter it, find duplicates, split without leakage, "
           "augment; Lakh MIDI filtered to Rock"),
    Lesson(3, "easy", "03_tokenization", "Tokenization", 15,
           "positions, events and melody-grid tokens; encode, decode, what gets lost; "
           "compare with miditok"),
    Lesson(4, "easy", "04_sampling_a_pretrained_model", "Sampling a pretrained model", 20,
           "generate with the shipped folk Transformer; temperature, top-k, top-p, batches, seeds; "
           "how temperature changes pitch-class and interval statistics"),
    Lesson(5, "easy", "05_continue_a_melody", "Continue a melody", 20,
           "the first n notes of a corpus tune or your own MIDI file as a prompt; continuations "
           "side by side at several temperatures"),
    Lesson(6, "medium", "06_a_markov_baseline", "A Markov baseline", 30,
           "n-gram models by counting, smoothing, bits per note on the test split, sampling, "
           "where a Markov model fails"),
    Lesson(7, "medium", "07_train_an_lstm", "Train an LSTM", 40,
           "a MelodyRNN-style LSTM: training loop, early stopping, checkpoints, resuming, "
           "learning curves, transposition augmentation"),
    Lesson(8, "medium", "08_train_a_transformer", "Train a Transformer", 40,
           "attention, masks, positions, key/value cache; train the student project's model within "
           "10 minutes; compare with the LSTM and the n-gram"),
    Lesson(9, "medium", "09_from_prompt_to_music", "From prompt to music", 40,
           "conditioning tokens dropped at random, a prompt parser that shows what it understood, "
           "obedience measured with a key finder, fine-tuning on a genre with its forgetting measured"),
    Lesson(10, "medium", "10_latent_spaces", "Latent spaces", 40,
           "a small MusicVAE on 2-bar folk melodies: reparameterisation, KL, free bits; "
           "reconstructions, samples, lerp and slerp interpolation, an attribute vector, posterior collapse"),
    Lesson(11, "medium", "11_how_good_is_it", "How good is it?", 40,
           "the exact frame NLL of JSB Chorales beside the published table; statistics of generated "
           "music compared with real tunes (Yang & Lerch); copying from the training set; a blind "
           "listening test"),
    Lesson(12, "easy", "12_the_studio", "The studio", 15,
           "one app for what the course built: generate from a prompt, continue a tune or your own "
           "MIDI file, interpolate with the VAE; piano roll, player and a library of MIDI files "
           "with their settings"),
]

# Lessons of the syllabus (../shared/COURSE.md) that are not written yet; the
# README lists them so that teachers see the whole plan.
PLANNED = [
]


def colab_url(path):
    """The Colab address that opens a notebook of this repository."""
    return f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{GITHUB_BRANCH}/{path}"


def colab_badge(path):
    """Markdown for an "Open in Colab" badge linking to ``path``."""
    return (f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(path)})")
