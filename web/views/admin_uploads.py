"""Admin: data uploads, loaded with the same loader and reconciliation as ``journey load``.

An upload is one contacts CSV (carrying ``family_id``) and, optionally, a
taxonomy TOML (the agency and contact-type mapping ``--taxonomy`` takes).
Each is checked for its size, its name's extension and its content (UTF-8
text, no NUL bytes, a header row) before :func:`graph_loader.load.load_path`
reads it; the page then shows the load's reconciliation lines, and the
rejects file (formula-safe, like every CSV the app serves) can be downloaded.
Uploads are kept in ``UPLOAD_FOLDER`` (default: ``uploads/`` beside the store
file), one folder per upload named by its time and a random part.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from flask import Response, current_app, g, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound
from werkzeug.utils import secure_filename

from journey.csv_export import excel_csv_bytes
from journey.errors import JourneyError
from web.data import service_data
from web.services import audit, client_address
from web.views.admin import blueprint

__all__ = ["UploadError", "check_upload", "upload_folder"]

UPLOAD_ID = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{8}$")
_SNIFF_BYTES = 64 * 1024


class UploadError(JourneyError):
    """An uploaded file that is refused before loading (size, type or content)."""


def upload_folder() -> Path:
    """Where uploads are kept: ``UPLOAD_FOLDER``, else ``uploads/`` beside the store file."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    if configured:
        return Path(configured)
    store = service_data().store
    base = Path(getattr(store, "path", Path.cwd() / "store")).parent
    return base / "uploads"


def check_upload(upload: FileStorage, *, suffix: str, max_bytes: int) -> bytes:
    """The bytes of an uploaded file when its name, size and content are acceptable.

    Raises
    ------
    UploadError
        No file, another extension, too large, not UTF-8 text, or (a CSV) no header row.
    """
    name = upload.filename or ""
    if not name:
        raise UploadError("choose a file to upload")
    if not name.lower().endswith(suffix):
        raise UploadError(f"{secure_filename(name) or 'the file'}: expected a {suffix} file")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UploadError(f"{secure_filename(name)}: larger than {max_bytes // 1024 // 1024} MiB")
    head = content[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise UploadError(f"{secure_filename(name)}: not a text file")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a character cut at the sniffed end is fine
            raise UploadError(f"{secure_filename(name)}: not UTF-8 text") from None
    if suffix == ".csv" and b"," not in head.split(b"\n", 1)[0]:
        raise UploadError(f"{secure_filename(name)}: the first line is not a CSV header")
    return content


def _save(content: bytes, taxonomy: bytes | None, original: str) -> tuple[str, Path, Path | None]:
    upload_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    folder = upload_folder() / upload_id
    folder.mkdir(parents=True)
    contacts = folder / (secure_filename(original) or "contacts.csv")
    contacts.write_bytes(content)
    taxonomy_path = None
    if taxonomy is not None:
        taxonomy_path = folder / "taxonomy.toml"
        taxonomy_path.write_bytes(taxonomy)
    return upload_id, contacts, taxonomy_path


@blueprint.get("/uploads")
def uploads() -> str:
    """The upload form."""
    max_mib = current_app.config["MAX_CONTENT_LENGTH"] // 1024 // 1024
    return render_template("admin_upload.html", report=None, error=None, max_mib=max_mib)


def _load(contacts: Path, taxonomy_path: Path | None):
    from graph_loader.load import load_path
    from journey.taxonomy import default_taxonomy, load_taxonomy

    taxonomy = load_taxonomy(taxonomy_path) if taxonomy_path else default_taxonomy()
    rejects_dir = contacts.parent / "rejects"
    return load_path(contacts, service_data().store, taxonomy=taxonomy, rejects_dir=rejects_dir)


@blueprint.post("/uploads")
def upload() -> tuple[str, int] | str:
    """Check, save and load an upload; show its reconciliation (or why it was refused)."""
    max_bytes = current_app.config["MAX_CONTENT_LENGTH"]
    max_mib = max_bytes // 1024 // 1024
    contacts_file = request.files.get("contacts") or FileStorage()
    name = secure_filename(contacts_file.filename or "") or "upload"
    try:
        content = check_upload(contacts_file, suffix=".csv", max_bytes=max_bytes)
        mapping = request.files.get("taxonomy")
        taxonomy = None
        if mapping is not None and mapping.filename:
            taxonomy = check_upload(mapping, suffix=".toml", max_bytes=1024 * 1024)
        upload_id, contacts, taxonomy_path = _save(content, taxonomy, contacts_file.filename)
        report = _load(contacts, taxonomy_path)
    except JourneyError as error:
        audit().record("upload", actor=g.user.name, role=g.user.role, subject=name,
                       outcome="refused", address=client_address())  # fmt: skip
        page = render_template("admin_upload.html", report=None, error=str(error), max_mib=max_mib)
        return page, 400
    audit().record("upload", actor=g.user.name, role=g.user.role, subject=name,
                   outcome=f"loaded {sum(f.loaded for f in report.files)}, rejected "
                           f"{report.rejected}", address=client_address())  # fmt: skip
    return render_template("admin_upload.html", report=report, error=None, max_mib=max_mib,
                           upload_id=upload_id)  # fmt: skip


@blueprint.get("/uploads/<upload_id>/rejects/<name>")
def rejects(upload_id: str, name: str) -> Response:
    """An upload's rejects file, formula-safe (it holds the rejected rows as they came)."""
    if not UPLOAD_ID.match(upload_id) or secure_filename(name) != name:
        raise NotFound("There is no such rejects file.")
    path = upload_folder() / upload_id / "rejects" / name
    if not name.endswith(".rejects.csv") or not path.is_file():
        raise NotFound("There is no such rejects file.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    audit().record("export", actor=g.user.name, role=g.user.role, subject=f"rejects {name}",
                   address=client_address())  # fmt: skip
    return Response(excel_csv_bytes(frame), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
