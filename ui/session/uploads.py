"""Uploaded files are read once, then dropped from the server's memory.

Streamlit keeps an uploaded file's bytes in its upload manager until the session ends or the planner removes the
file. The page needs them once: a callback reads them with :func:`take`, which also removes them from the
manager, and keeps only the outcome (a validated scenario, or a household table without its personal columns).
The uploader still shows the file's name; removing it there clears the outcome, uploading again reads again.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile


def take(key: str) -> tuple[str, bytes] | None:
    """The file name and bytes of the uploader ``key`` (None when empty or already taken); the bytes are dropped."""
    upload = st.session_state.get(key)
    if not isinstance(upload, UploadedFile):  # None, or a file already taken (Streamlit's DeletedFile)
        return None
    name, raw = upload.name, upload.getvalue()
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, upload.file_id)
    return name, raw
