"""Course tooling: what teachers and maintainers run, not what learners call in a lesson.

* :mod:`helpers.course.lessons`   - the lesson list, levels and times, the GitHub location, Colab links
* :mod:`helpers.course.readme`    - the README's course map (``python -m helpers build-readme``)
* :mod:`helpers.course.notebooks` - the setup cell every notebook starts with
* :mod:`helpers.course.exercises` - builds ``exercises/`` from ``solutions/`` (``python -m helpers build-exercises``)
* :mod:`helpers.course.examples`  - writes the example MIDI files (``python -m helpers make-examples``)

The lesson list is re-exported here, so ``from helpers import course; course.LESSONS`` works.
"""

from helpers.course.lessons import (COLAB_CHECKOUT, GITHUB_BRANCH, GITHUB_REPO, LESSONS, PLANNED,
                                    Lesson, colab_badge, colab_url)
from helpers.course.notebooks import setup_cell_source
from helpers.course.readme import build_readme, course_map_markdown, render_readme

__all__ = ["COLAB_CHECKOUT", "GITHUB_BRANCH", "GITHUB_REPO", "LESSONS", "PLANNED", "Lesson",
           "build_readme", "colab_badge", "colab_url", "course_map_markdown", "render_readme",
           "setup_cell_source"]
