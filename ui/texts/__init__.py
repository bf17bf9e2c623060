"""Translation tables, one module per part of the page (see ui/i18n.py)."""
