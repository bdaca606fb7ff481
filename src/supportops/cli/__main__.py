"""``python -m supportops.cli``: the same as the ``supportops`` command."""

from supportops.cli.main import app

app()
