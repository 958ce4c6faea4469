"""The project's spiders. ``blogs`` is the main one; :mod:`.base` holds the shared flow."""
