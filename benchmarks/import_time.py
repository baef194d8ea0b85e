"""Print how long `import helpers` takes, and the first use of each heavy library.

`import helpers` must stay well under 2 s: heavy libraries load on first use.
Run: .venv/bin/python benchmarks/import_time.py
"""

import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "import helpers": "import helpers",
    "import helpers.check (all checks)": "import helpers.check",
    "first NoteSequence (loads note-seq)": "from helpers import notes; notes.new_sequence()",
    "import helpers.pianoroll + matplotlib": "import helpers.pianoroll, matplotlib.pyplot",
}


def seconds(statement, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"{'what':42} median of 5 fresh interpreters, s")
    for label, statement in STATEMENTS.items():
        print(f"{label:42} {seconds(statement):.3f}")
