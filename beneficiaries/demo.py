"""Demo data of the beneficiaries app. Fictional people only; idempotent."""


def load(password, stdout):
    stdout.write("beneficiaries: no demo data yet")
