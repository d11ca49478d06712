class TrainerError(Exception):
    """A failure with a message meant for the user: printed as one line, exit status 1."""
