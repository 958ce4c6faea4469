"""Project commands (``COMMANDS_MODULE``): ``crawl`` with an exit code that means something."""
