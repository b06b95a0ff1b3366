"""certpass.cli"""
