"""Downloads that check what they got: a sha256 per file, and archives unpacked safely.

Nothing in the course downloads by itself: the Lakh MIDI Dataset (lesson 2,
:mod:`helpers.lakh`) and the JSB Chorales files (lesson 11) are fetched on
request only, with these functions:

* :func:`fetch` - one URL to one file, hashed on the way, renamed into place
  only when complete, deleted when its sha256 is not the expected one;
* :func:`unpack_safely` - a .zip or .tar(.gz) archive, refusing members that
  would land outside the destination (absolute paths, ``..``, links);
* :func:`read_checksums` / :func:`write_checksums` - the ``checksums.json``
  of a download folder, for files whose publisher gives no checksum (trust on
  first use).
"""

import hashlib
import json
import os
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

CHECKSUMS_FILE = "checksums.json"
CHUNK_SIZE = 1 << 20  # read and hash 1 MiB at a time


class ChecksumError(ValueError):
    """A downloaded file is not the expected one (its sha256 differs)."""


class UnsafeArchiveError(ValueError):
    """An archive member would land outside the destination folder."""


def open_url(url: str):
    """Open ``url`` for reading (``urllib``). Tests replace it to stay offline.

    Example: ``with open_url("https://example.org/x") as response: data = response.read()``
    """
    return urllib.request.urlopen(url, timeout=60)


def read_checksums(dest) -> dict:
    """The checksums recorded in ``dest/checksums.json`` ({file name: sha256}).

    Example: ``read_checksums(lakh.default_root())`` -> ``{"match_scores.json": "5f1c..."}``
    """
    path = Path(dest) / CHECKSUMS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def write_checksums(dest, checksums: dict) -> None:
    """Write ``dest/checksums.json`` (under a temporary name, then renamed).

    Example: ``write_checksums(folder, {"a.zip": "5f1c..."})``
    """
    path = Path(dest) / CHECKSUMS_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(checksums, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def fetch(url: str, path, expected_sha256: str | None = None, opener=None, progress: bool = True,
          expected_from: str = "the expected checksum") -> str:
    """Download ``url`` to ``path``, computing its sha256 on the way; returns it.

    The data go to ``path.part`` first and are renamed when complete, so an
    interrupted download never looks finished. If ``expected_sha256`` is
    given and differs, the bad file is deleted and ChecksumError raised.
    ``opener(url)`` returns a readable response (default: :func:`open_url`).

    Example: ``fetch(url, "data.json", expected_sha256="2db9...")`` -> ``"2db9..."``
    """
    from tqdm.auto import tqdm

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    digest = hashlib.sha256()
    try:
        with (opener or open_url)(url) as response, open(part, "wb") as out:
            size = getattr(response, "headers", {}).get("Content-Length")
            with tqdm(total=int(size) if size else None, unit="B", unit_scale=True,
                      desc=path.name, disable=not progress) as bar:
                while chunk := response.read(CHUNK_SIZE):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except urllib.error.URLError as err:
        part.unlink(missing_ok=True)
        raise ConnectionError(f"Cannot download {url}: {err.reason}. "
                              f"Check the internet connection and try again.") from err
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    actual = digest.hexdigest()
    if expected_sha256 and actual != expected_sha256.lower():
        part.unlink()
        raise ChecksumError(f"{url} downloaded with sha256 {actual}, but {expected_from} "
                            f"is {expected_sha256}; the bad file was deleted.")
    os.replace(part, path)
    return actual


def _check_member_name(name, archive):
    """Refuse an archive member that would be written outside the destination."""
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:  # /x, \x, C:\x
        raise UnsafeArchiveError(f"{archive}: refusing to unpack {name!r}, an absolute path")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise UnsafeArchiveError(f"{archive}: refusing to unpack {name!r}: "
                                 f"'..' would climb out of the destination")


def unpack_safely(archive, into) -> None:
    """Unpack a .zip, .tar or .tar.gz archive into the folder ``into``.

    Every member is checked first: absolute paths, ``..`` and (in tar files)
    links and devices raise UnsafeArchiveError. A hostile archive must not
    write anywhere else on your disk.

    Example: ``unpack_safely("lmd_matched.tar.gz", "lakh/")``
    """
    archive, into = Path(archive), Path(into)
    into.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            for name in zipped.namelist():
                _check_member_name(name, archive)
            zipped.extractall(into)
        return
    data_filter = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(archive, "r|*") as tar:  # "r|": one pass over a big .tar.gz
        for member in tar:
            _check_member_name(member.name, archive)
            if not (member.isfile() or member.isdir()):
                raise UnsafeArchiveError(f"{archive}: refusing to unpack {member.name!r}: "
                                         f"a link or device, not a file or folder")
            tar.extract(member, into, **data_filter)
