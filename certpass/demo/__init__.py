"""certpass.demo: the illustrative demo dataset (data/*.json), its certificate generator
(generate.py) and the loader that applies both through the services (loader.py)."""
