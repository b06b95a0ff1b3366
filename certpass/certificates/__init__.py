"""certpass.certificates"""
