"""Demo data of the referrals app. Fictional people only; idempotent."""


def load(password, stdout):
    stdout.write("referrals: no demo data yet")
