"""The identity resolver (ISO/IEC 18975, GS1 Digital Link): certificate and product keys to
the links about them, as RFC 9264 linksets or a redirect."""
