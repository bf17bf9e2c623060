"""One browser session and what crosses its edge (above ``server``): slots, their runs, links, files, uploads."""
