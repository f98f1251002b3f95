"""The command-line commands: one module per `quotestance <command>`, each with `main(argv, prog)`.

`scripts/*.py` are thin wrappers around them, for use from a checkout.
"""
