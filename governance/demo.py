"""Demo data of the governance app. Fictional people only; idempotent."""


def load(password, stdout):
    stdout.write("governance: no demo data yet")
