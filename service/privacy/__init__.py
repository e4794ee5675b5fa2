"""Personal texts sealed with a key per person, opened on read, erased by dropping the key.

``marker`` (the sealed string and the splice), ``keys`` (the ``person_keys`` table),
``sealer`` (the runner's hook at append), ``store`` (``PrivateStore``: reads opened),
``erasure`` (the ``person.erase`` command and what each process forgets), ``census`` (what
``plenary verify`` counts). See ``docs/privacy.md``.
"""
