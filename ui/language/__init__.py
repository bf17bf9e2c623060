"""The page's words (bottom layer): translation tables and lookup, and how values and units are written."""
