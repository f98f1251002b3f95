"""quotestance: who says what about whom in international news, sentence by sentence."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quotestance")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.1.0"
