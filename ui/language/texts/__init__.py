"""Translation tables, one module per part of the page (see ui/language/i18n.py)."""
