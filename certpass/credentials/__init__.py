"""The signed passport: UNTP credentials, proofs (Data Integrity, VC-JOSE), keys, status lists."""
