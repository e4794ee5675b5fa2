"""Personal texts sealed with a key per person and opened on read.

``marker`` (the sealed string and the splice), ``keys`` (the ``person_keys`` table),
``sealer`` (the runner's hook at append), ``store`` (``PrivateStore``: reads opened). See
``docs/privacy.md``.
"""
