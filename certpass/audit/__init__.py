"""The registry audited against its transparency log.

The log is the root of what a verifier trusts: replaying it (``replay``) rebuilds what the
tables must say (certificates and their status bits, each issue's credential hash,
accreditations, keys and DID documents); ``compare`` names every difference as a
``Finding`` (code, what differs, where). ``service`` reads this instance's tables and
``remote`` reads another instance over HTTP (for ``certpass log monitor``); both hand the
same shapes to the same pure core. This package sits above ledger, registry, certificates
and credentials and is imported by none of them.
"""
