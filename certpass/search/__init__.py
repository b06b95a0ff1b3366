"""certpass.search"""
