"""What is drawn (top layer, below app.py only): sidebar, levers, cards, charts, fragments, pages and panels."""
