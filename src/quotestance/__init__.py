"""quotestance: who says what about whom in international news, sentence by sentence."""

__version__ = "0.1.0"
