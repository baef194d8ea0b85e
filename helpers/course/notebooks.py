"""What every notebook shares: the setup cell (Colab installs the course, locally it does nothing)."""

from helpers.course.lessons import COLAB_CHECKOUT, GITHUB_BRANCH, GITHUB_REPO


def setup_cell_source():
    """The first code cell of every notebook: installs the course in Colab, does nothing locally."""
    return f'''# Setup: in Colab this fetches and installs the course (about 2 minutes);
# on your own machine (after `make lab`) it does nothing.
import os, subprocess, sys
if "google.colab" in sys.modules:
    if not os.path.isdir("{COLAB_CHECKOUT}"):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", "{GITHUB_BRANCH}",
                        "https://github.com/{GITHUB_REPO}", "{COLAB_CHECKOUT}"], check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "{COLAB_CHECKOUT}"],
                       check=True)
    sys.path.insert(0, "{COLAB_CHECKOUT}")'''
